import CZlib
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads log inputs as the scanner and the agent take them: files (gzip or not, by content), every file of a
/// directory in name order (AWS names log objects by time), or `-` for standard input.
public enum LogInput {
    /// The files a path stands for (in a directory: every file but documentation and scripts, in name order).
    public static func files(_ path: String) throws -> [String] {
        if path == "-" { return ["-"] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LogInputError(description: "\(path): no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [] }
        var files: [String] = []
        for case let relative as String in enumerator {
            let full = (path as NSString).appendingPathComponent(relative)
            var nested: ObjCBool = false
            let skipped = ["md", "yml", "yaml", "py", "sh", "txt"].contains((relative as NSString).pathExtension.lowercased())
            if FileManager.default.fileExists(atPath: full, isDirectory: &nested), !nested.boolValue, !relative.hasPrefix("."), !skipped {
                files.append(full)
            }
        }
        return files.sorted()
    }

    /// The bytes of a file or of standard input, gunzipped when they start with gzip's magic number.
    public static func read(_ path: String) throws -> [UInt8] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            // Mapped, so that the one copy made below is the only one in memory.
            guard let contents = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
                throw LogInputError(description: "\(path): cannot be read")
            }
            data = contents
        }
        let bytes = Array(data)
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B { return try self.gunzip(bytes, name: path) }
        return bytes
    }

    /// Calls `body` with pieces of the input that end at line ends, so that large line-oriented logs are read in
    /// constant memory: one buffer, filled by read(2), handed over in place; only a partial last line is moved back to
    /// its start. Gzip files are decompressed as they are read (never whole in memory); standard input is read whole.
    /// A line of `maxLineBytes` or more (no log writes one; a file of NULs does) is skipped to its newline rather than
    /// held: returns how many were skipped, for the caller to count as malformed.
    @discardableResult
    public static func forEachChunk(
        _ path: String, chunkSize: Int = 4 << 20, maxLineBytes: Int = 64 << 20, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        let descriptor = path == "-" ? -1 : open(path, O_RDONLY)
        guard descriptor >= 0 else {
            try self.read(path).withUnsafeBufferPointer { try body($0) }
            return 0
        }
        defer { close(descriptor) }
        var magic: (UInt8, UInt8) = (0, 0)
        if pread(descriptor, &magic, 2, 0) == 2 && magic == (0x1F, 0x8B) {
            return try self.forEachGzipChunk(descriptor, name: path, chunkSize: chunkSize, maxLineBytes: maxLineBytes, body)
        }
        var capacity = chunkSize
        var storage = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { storage.deallocate() }
        var filled = 0
        var skipping = false
        var skipped = 0
        while true {
            if filled == capacity {
                if capacity >= maxLineBytes {
                    // A line over the cap: dropped, and the rest of it up to its newline too.
                    skipping = true
                    skipped += 1
                    filled = 0
                } else {
                    // One line longer than the buffer: make room for it.
                    let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: min(capacity * 2, maxLineBytes))
                    larger.update(from: storage, count: filled)
                    storage.deallocate()
                    storage = larger
                    capacity = min(capacity * 2, maxLineBytes)
                }
            }
            let count = Glibc.read(descriptor, storage + filled, capacity - filled)
            if count < 0 {
                if errno == EINTR { continue }
                throw LogInputError(description: "\(path): cannot be read (\(String(cString: strerror(errno))))")
            }
            if count == 0 {
                if filled > 0 && !skipping { try body(UnsafeBufferPointer(start: storage, count: filled)) }
                return skipped
            }
            var searchFrom = filled
            filled += count
            if skipping {
                var first = searchFrom
                while first < filled && storage[first] != 10 { first += 1 }
                guard first < filled else {
                    filled = 0
                    continue
                }
                let rest = filled - (first + 1)
                if rest > 0 { memmove(storage, storage + first + 1, rest) }
                filled = rest
                searchFrom = 0
                skipping = false
            }
            var lastNewline = filled - 1
            while lastNewline >= searchFrom && storage[lastNewline] != 10 { lastNewline -= 1 }
            guard lastNewline >= searchFrom else { continue }
            try body(UnsafeBufferPointer(start: storage, count: lastNewline + 1))
            let rest = filled - (lastNewline + 1)
            if rest > 0 { memmove(storage, storage + lastNewline + 1, rest) }
            filled = rest
        }
    }

    /// A gzip file decompressed piece by piece and handed over at line ends, about `chunkSize` bytes at a time; only
    /// the new bytes of each piece are searched for a line end, so a long line costs its length (up to `maxLineBytes`,
    /// beyond which it is skipped to its newline; returns how many were).
    static func forEachGzipChunk(
        _ descriptor: Int32, name: String, chunkSize: Int, maxLineBytes: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        let stream = GzipStream(name: name)
        var pending: [UInt8] = []
        pending.reserveCapacity(chunkSize + (1 << 16))
        var lastNewline: Int?
        var skipping = false
        var skipped = 0
        var input = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while true {
            let count = input.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LogInputError(description: "\(name): cannot be read (\(String(cString: strerror(errno))))")
            }
            if count == 0 { break }
            offset += off_t(count)
            try input.withUnsafeBytes { raw in
                try stream.push(UnsafeRawBufferPointer(rebasing: raw[0..<count])) { whole in
                    var piece = whole[...]
                    if skipping {
                        guard let first = piece.firstIndex(of: 10) else { return }
                        piece = piece[(first + 1)...]
                        skipping = false
                    }
                    if let newline = piece.lastIndex(of: 10) { lastNewline = pending.count + newline - piece.startIndex }
                    pending.append(contentsOf: piece)
                    if lastNewline == nil && pending.count >= maxLineBytes {
                        // A line over the cap: dropped, and the rest of it up to its newline too.
                        pending.removeAll(keepingCapacity: true)
                        skipping = true
                        skipped += 1
                        return
                    }
                    guard pending.count >= chunkSize, let end = lastNewline else { return }
                    try pending.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[...end])) }
                    pending.removeSubrange(...end)
                    lastNewline = nil
                }
            }
        }
        try stream.finish()
        if !pending.isEmpty { try pending.withUnsafeBufferPointer { try body($0) } }
        return skipped
    }

    /// Decompresses gzip (all members, as `gzip -d` does).
    public static func gunzip(_ input: [UInt8], name: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LogInputError(description: "\(name): zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 6)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        try input.withUnsafeMutableBufferPointer { source in
            // zlib counts input in 32 bits: a file of 4 GiB or more is handed over in pieces (UInt32(count) trapped).
            let piece = Int(UInt32.max)
            var fed = min(source.count, piece)
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(fed)
            while true {
                if stream.avail_in == 0 && fed < source.count {
                    let next = min(source.count - fed, piece)
                    stream.next_in = source.baseAddress! + fed
                    stream.avail_in = UInt32(next)
                    fed += next
                }
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                let remaining = Int(stream.avail_in) + (source.count - fed)
                if status == Z_STREAM_END {
                    // Concatenated gzip members.
                    if remaining > 0 {
                        inflateReset(&stream)
                        continue
                    }
                    break
                }
                guard status == Z_OK || status == Z_BUF_ERROR, !(status == Z_BUF_ERROR && remaining == 0) else {
                    if status == Z_BUF_ERROR { throw LogInputError(description: "\(name): gzip data ends early (truncated file)") }
                    throw LogInputError(description: "\(name): not valid gzip data")
                }
            }
        }
        return output
    }
}

/// Why an input could not be read.
public struct LogInputError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}
