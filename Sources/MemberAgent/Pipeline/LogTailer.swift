import Detection
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Follows one `--flow-logs`/`--cloudtrail`/`--dns-logs`/`--k8s-audit-logs` argument: a file, or a directory whose files (and new ones
/// appearing later) are read in name order. Appended lines are read as they arrive (a partial last line waits for
/// its newline); a file replaced at the same path (rotation) or truncated is read from its start; gzip files and
/// CloudTrail's `{"Records":[…]}` documents are read whole once their size has stopped changing.
public final class LogTailer {
    public let dataSource: DataSource
    public let path: String
    /// Cursors by file identity; saved in the checkpoint.
    public private(set) var cursors: [String: FileCursor] = [:]
    /// Sizes seen at the previous poll, to tell a finished whole-document file from one still being written.
    private var lastSizes: [String: Int64] = [:]
    /// At most this many bytes are read from one file per poll, so one huge file does not starve the others.
    public var maxBytesPerPoll = 64 << 20
    /// Line files are read through a descriptor kept open, so a file renamed or deleted by rotation (logrotate,
    /// a single watched path) is still read to its end before it is let go.
    private var descriptors: [String: Int32] = [:]
    /// Whether a file (by identity) is read whole (gzip, a CloudTrail document): decided once from its first bytes.
    private var wholeDocuments: [String: Bool] = [:]
    /// Descriptors kept open at most; beyond this, those of files read to their end are closed first.
    public var maxOpenFiles = 64
    public var openFileCount: Int { self.descriptors.count }

    deinit {
        for fd in self.descriptors.values { close(fd) }
    }

    public init(dataSource: DataSource, path: String, cursors: [FileCursor] = []) {
        self.dataSource = dataSource
        self.path = path
        for cursor in cursors { self.cursors[cursor.key] = cursor }
    }

    /// New complete content, file by file: `(file identity, path, bytes, whether the read starts at offset 0)`.
    /// The cursor moves past the bytes as soon as `body` returns.
    public func poll(_ body: (_ key: String, _ path: String, _ bytes: [UInt8], _ fromStart: Bool) throws -> Void) throws {
        let files: [String]
        do {
            files = try LogInput.files(self.path)
        } catch {
            return  // Not there yet (a directory the log shipper creates later): nothing to read.
        }
        var present: Set<String> = []
        for file in files {
            var info = stat()
            guard stat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let key = "\(info.st_dev):\(info.st_ino)"
            present.insert(key)
            var cursor = self.cursors[key] ?? FileCursor(path: file, device: UInt64(info.st_dev), inode: UInt64(info.st_ino), offset: 0)
            cursor.path = file
            let size = Int64(info.st_size)
            if size < cursor.offset { cursor.offset = 0 }  // truncated and rewritten
            let previousSize = self.lastSizes[key]
            self.lastSizes[key] = size
            guard size > cursor.offset else {
                self.cursors[key] = cursor
                continue
            }
            let whole = try self.wholeDocuments[key] ?? Self.isWholeDocument(file, dataSource: self.dataSource)
            self.wholeDocuments[key] = whole
            if whole {
                // Read once, complete: only when the size held still since the previous poll.
                guard cursor.offset == 0, previousSize == size else {
                    self.cursors[key] = cursor
                    continue
                }
                try body(key, file, try LogInput.read(file), true)
                cursor.offset = size
                self.cursors[key] = cursor
                continue
            }
            if self.descriptors[key] == nil {
                let fd = open(file, O_RDONLY)
                if fd >= 0 { self.descriptors[key] = fd }
            }
            try self.readLines(key: key, cursor: &cursor, size: size, body)
        }
        // Bounded: a directory of many finished files must not hold a descriptor each.
        if self.descriptors.count > self.maxOpenFiles {
            for key in self.descriptors.keys.sorted() where self.descriptors.count > self.maxOpenFiles {
                guard let cursor = self.cursors[key], cursor.offset >= (self.lastSizes[key] ?? .max), let fd = self.descriptors[key] else { continue }
                close(fd)
                self.descriptors.removeValue(forKey: key)
            }
        }
        // Files no longer at their path (rotated away, deleted): finish them through the descriptor, then let go.
        for key in self.cursors.keys where !present.contains(key) {
            if var cursor = self.cursors[key], let fd = self.descriptors[key] {
                var info = stat()
                if fstat(fd, &info) == 0, Int64(info.st_size) > cursor.offset {
                    try self.readLines(key: key, cursor: &cursor, size: Int64(info.st_size), body)
                }
                close(fd)
                self.descriptors.removeValue(forKey: key)
            }
            self.cursors.removeValue(forKey: key)
            self.lastSizes.removeValue(forKey: key)
            self.wholeDocuments.removeValue(forKey: key)
        }
    }

    /// Reads the complete lines between the cursor and `size` (through the open descriptor when there is one).
    private func readLines(key: String, cursor: inout FileCursor, size: Int64, _ body: (String, String, [UInt8], Bool) throws -> Void) throws {
        let count = min(Int(size - cursor.offset), self.maxBytesPerPoll)
        let bytes =
            try self.descriptors[key].map { try Self.read(fd: $0, from: cursor.offset, count: count, name: cursor.path) }
            ?? Self.read(cursor.path, from: cursor.offset, count: count)
        if let lastNewline = bytes.lastIndex(of: 10) {
            let complete = Array(bytes[...lastNewline])
            try body(key, cursor.path, complete, cursor.offset == 0)
            cursor.offset += Int64(complete.count)
        }
        self.cursors[key] = cursor
    }

    /// Gzip files, and CloudTrail files that are one JSON document rather than JSON lines.
    static func isWholeDocument(_ file: String, dataSource: DataSource) throws -> Bool {
        let head = try Self.read(file, from: 0, count: 512)
        if head.count >= 2, head[0] == 0x1f, head[1] == 0x8b { return true }
        guard dataSource == .cloudTrail else { return false }
        guard let first = head.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }) else { return false }
        if first == UInt8(ascii: "[") { return true }
        // `{"Records"` starts a delivered CloudTrail file; any other object starts JSON lines.
        let compact = head.filter { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }
        return compact.starts(with: Array(#"{"Records""#.utf8))
    }

    /// The first line of a file (a flow log header, when the agent resumes in the middle of the file).
    public static func firstLine(_ file: String) -> [UInt8]? {
        guard let head = try? Self.read(file, from: 0, count: 4096), let newline = head.firstIndex(of: 10) else { return nil }
        return Array(head[...newline])
    }

    static func read(_ file: String, from offset: Int64, count: Int) throws -> [UInt8] {
        let fd = open(file, O_RDONLY)
        guard fd >= 0 else { throw AgentError.configuration("\(file): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return try Self.read(fd: fd, from: offset, count: count, name: file)
    }

    static func read(fd: Int32, from offset: Int64, count: Int, name: String) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var total = 0
        while total < count {
            let result = buffer.withUnsafeMutableBufferPointer { pointer in
                pread(fd, pointer.baseAddress! + total, count - total, off_t(offset) + off_t(total))
            }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { break }
            total += result
        }
        buffer.removeLast(count - total)
        return buffer
    }
}
