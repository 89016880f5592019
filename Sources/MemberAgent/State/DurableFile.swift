import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Files written so that a crash at any instant leaves either the old content or the new, never a torn file:
/// write a temporary file (a new, unpredictable name opened with O_EXCL|O_NOFOLLOW, so a planted file or link is
/// never written through), fsync it, rename it over the target, fsync the directory.
public enum DurableFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(path).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AgentError.configuration("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        if let failure = Self.writeAll(bytes, to: fd) {
            close(fd)
            unlink(temporary)
            throw AgentError.configuration("cannot write \(temporary): \(String(cString: strerror(failure)))")
        }
        guard fsync(fd) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            unlink(temporary)
            throw AgentError.configuration("cannot fsync \(temporary): \(message)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw AgentError.configuration("cannot rename \(temporary) to \(path): \(message)")
        }
        Self.syncDirectory(directory)
    }

    /// Writes all of `bytes` to `fd` from the buffer itself, retrying short writes and EINTR; the errno of a
    /// failure, or nil.
    public static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBufferPointer { buffer in
            var written = 0
            while written < buffer.count {
                let result = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
    }

    static func syncDirectory(_ directory: String) {
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}
