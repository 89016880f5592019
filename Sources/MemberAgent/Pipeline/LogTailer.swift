import Detection
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Follows one `--flow-logs`/`--cloudtrail`/`--dns-logs`/`--k8s-audit-logs` argument: a file, or a directory whose files (and new ones
/// appearing later) are read in name order. Appended lines are read as they arrive (a partial last line waits for
/// its newline); a file replaced at the same path (rotation) or truncated is read from its start; gzip files and
/// CloudTrail's `{"Records":[…]}` documents are read whole once their size has stopped changing.
///
/// A bad input never stops the following: a whole document that cannot be read (a truncated gzip file still being
/// written, a corrupt one) is tried again while its size changes, and given up on — reported once as unreadable —
/// when it failed at one size for `giveUpAfter` seconds; a line longer than `maxBytesPerPoll` is skipped to its
/// newline and reported once; a file rotated away is read to its end, its unterminated last line included.
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
    /// Seconds a whole document may keep failing at an unchanged size (a writer may still be about to add to it)
    /// before it is given up on.
    public var giveUpAfter = 60.0
    /// The wall clock, in seconds (injectable for tests).
    public var clock: () -> Double = { Date().timeIntervalSince1970 }
    /// Whole documents that failed to read, by identity: the size they failed at, since when, and why.
    private var failing: [String: (size: Int64, since: Double, reason: String)] = [:]
    /// Files (by identity) whose cursor is inside a line longer than `maxBytesPerPoll`, being skipped to its newline.
    private var skippingLine: Set<String> = []

    deinit {
        for fd in self.descriptors.values { close(fd) }
    }

    public init(dataSource: DataSource, path: String, cursors: [FileCursor] = []) {
        self.dataSource = dataSource
        self.path = path
        for cursor in cursors { self.cursors[cursor.key] = cursor }
    }

    /// New complete content, file by file: `(file identity, path, bytes, whether the read starts at offset 0)`.
    /// The cursor moves past the bytes as soon as `body` returns. `unreadable` hears, once each, of a file given up
    /// on and of a line skipped for its length: `(path, reason, bytes)`. Only `body`'s errors are thrown.
    public func poll(
        _ body: (_ key: String, _ path: String, _ bytes: [UInt8], _ fromStart: Bool) throws -> Void,
        unreadable: (_ path: String, _ reason: String, _ bytes: Int) -> Void = { _, _, _ in }
    ) throws {
        // Not there (yet: a directory the log shipper creates later; or a single file rotated away and not replaced
        // yet, still to be finished below): nothing new to read.
        let files = (try? LogInput.files(self.path)) ?? []
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
            // A file gone between the listing and this look is let go below.
            guard let whole = try? self.wholeDocuments[key] ?? Self.isWholeDocument(file, dataSource: self.dataSource) else {
                self.cursors[key] = cursor
                continue
            }
            self.wholeDocuments[key] = whole
            if whole {
                // Read once, complete: only when the size held still since the previous poll (a file given up on:
                // again at a new size).
                guard cursor.offset == 0 || cursor.unreadable == true, previousSize == size else {
                    self.cursors[key] = cursor
                    continue
                }
                try self.readWhole(key: key, cursor: &cursor, size: size, body, unreadable: unreadable)
                continue
            }
            if self.descriptors[key] == nil {
                let fd = open(file, O_RDONLY)
                if fd >= 0 { self.descriptors[key] = fd }
            }
            try self.readLines(key: key, cursor: &cursor, size: size, body, unreadable: unreadable)
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
                // It will not grow any more: read to its end, the unterminated last line as a complete one.
                var info = stat()
                if fstat(fd, &info) == 0 {
                    let size = Int64(info.st_size)
                    while cursor.offset < size, try self.readLines(key: key, cursor: &cursor, size: size, final: true, body, unreadable: unreadable) {
                    }
                }
                close(fd)
                self.descriptors.removeValue(forKey: key)
            }
            self.cursors.removeValue(forKey: key)
            self.lastSizes.removeValue(forKey: key)
            self.wholeDocuments.removeValue(forKey: key)
            self.failing.removeValue(forKey: key)
            self.skippingLine.remove(key)
        }
    }

    /// Reads a whole document whose size held still. One that cannot be read (truncated: still being written, or
    /// corrupt) is left for the next poll; once it has failed at one size for `giveUpAfter` seconds it is reported
    /// to `unreadable` (once per file) and passed over until its size changes. It is not read again at the size it failed at: the
    /// same bytes give the same answer.
    private func readWhole(
        key: String, cursor: inout FileCursor, size: Int64, _ body: (String, String, [UInt8], Bool) throws -> Void,
        unreadable: (String, String, Int) -> Void
    ) throws {
        defer { self.cursors[key] = cursor }
        let now = self.clock()
        if self.failing[key]?.size != size {
            switch Result(catching: { try LogInput.read(cursor.path) }) {
            case .success(let bytes):
                self.failing.removeValue(forKey: key)
                cursor.unreadable = nil
                try body(key, cursor.path, bytes, true)
                cursor.offset = size
                return
            case .failure(let error):
                self.failing[key] = (size, now, "\(error)")
            }
        }
        guard let failure = self.failing[key], now - failure.since >= self.giveUpAfter else { return }
        // Given up on at this size; reported the first time only (a file is never counted twice).
        let counted = cursor.unreadable == true
        self.failing.removeValue(forKey: key)
        cursor.offset = size
        cursor.unreadable = true
        if !counted { unreadable(cursor.path, failure.reason, Int(size)) }
    }

    /// Reads the complete lines between the cursor and `size` (through the open descriptor when there is one); with
    /// `final` (the file will not grow), an unterminated last line too. A read of `maxBytesPerPoll` bytes without a
    /// line end is a line too long to hold: it is reported to `unreadable` and skipped to its newline, across polls.
    /// Returns whether the cursor moved.
    @discardableResult
    private func readLines(
        key: String, cursor: inout FileCursor, size: Int64, final: Bool = false, _ body: (String, String, [UInt8], Bool) throws -> Void,
        unreadable: (String, String, Int) -> Void
    ) throws -> Bool {
        defer { self.cursors[key] = cursor }
        let start = cursor.offset
        let count = min(Int(size - cursor.offset), self.maxBytesPerPoll)
        // A file that cannot be opened (gone, no permission) is tried again at the next poll.
        guard
            let read = try? self.descriptors[key].map({ try Self.read(fd: $0, from: cursor.offset, count: count, name: cursor.path) })
                ?? Self.read(cursor.path, from: cursor.offset, count: count),
            !read.isEmpty
        else { return false }
        var bytes = read[...]
        if self.skippingLine.contains(key) {
            guard let newline = bytes.firstIndex(of: 10) else {
                cursor.offset += Int64(bytes.count)
                return true
            }
            self.skippingLine.remove(key)
            cursor.offset += Int64(newline + 1)
            bytes = bytes[(newline + 1)...]
        }
        if let lastNewline = bytes.lastIndex(of: 10) {
            let complete = Array(bytes[...lastNewline])
            try body(key, cursor.path, complete, cursor.offset == 0)
            cursor.offset += Int64(complete.count)
            bytes = bytes[(lastNewline + 1)...]
        } else if read.count == self.maxBytesPerPoll, cursor.offset == start {
            self.skippingLine.insert(key)
            cursor.offset += Int64(bytes.count)
            unreadable(cursor.path, "a line of \(self.maxBytesPerPoll) bytes or more, skipped", bytes.count)
            return true
        }
        if final, !bytes.isEmpty, cursor.offset + Int64(bytes.count) == size {
            try body(key, cursor.path, Array(bytes) + [10], cursor.offset == 0)
            cursor.offset += Int64(bytes.count)
        }
        return cursor.offset > start
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
