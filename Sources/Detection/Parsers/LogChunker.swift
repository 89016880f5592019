/// Cuts the decompressed bytes of a log object, as they stream in, into pieces the parsers take whole: complete
/// lines for flow and DNS logs; for CloudTrail, the records of `{"Records":[…]}` (or of a JSON array, or JSON lines)
/// regrouped into small `{"Records":[…]}` documents. Memory stays bounded by the piece size and the largest record,
/// whatever the object's size.
public struct LogChunker {
    /// About this many bytes are handed over at once.
    public static let pieceSize = 1 << 20
    /// A line or a record longer than this is cut off (the parser counts it as malformed). CloudTrail events are at
    /// most a few hundred KB.
    public static let maxUnit = 32 << 20

    let records: Bool
    private var buffer: [UInt8] = []
    /// Lines: where the last line end in `buffer` is.
    private var lastNewline: Int?
    // CloudTrail: the record scanner's state.
    private var head: [UInt8] = []
    private var recordDepth: Int?
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var record: [UInt8] = []
    private var capturing = false
    private var overlong = false
    private var batched = 0

    /// `cloudTrail`: regroup CloudTrail records; else cut at line ends.
    public init(cloudTrail: Bool) {
        self.records = cloudTrail
    }

    public mutating func push(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: ([UInt8]) -> Void) {
        if self.records { self.pushRecords(bytes, emit) } else { self.pushLines(bytes, emit) }
    }

    /// The rest, at the end of the object.
    public mutating func finish(_ emit: ([UInt8]) -> Void) {
        if self.records {
            if self.recordDepth == nil, !self.head.isEmpty {
                self.decide()
                let head = self.head
                self.head = []
                head.withUnsafeBufferPointer { self.scan($0, emit) }
            }
            // An unfinished record at the end is a malformed one.
            if self.capturing { self.append(record: Array("{}".utf8), emit) }
            self.flushBatch(emit)
        } else if !self.buffer.isEmpty {
            emit(self.buffer + [10])
            self.buffer = []
        }
    }

    // MARK: lines

    private mutating func pushLines(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: ([UInt8]) -> Void) {
        // Only the new bytes are searched for a line end: a long line costs its length, not its length squared.
        let before = self.buffer.count
        self.buffer.append(contentsOf: bytes)
        if let newline = bytes.lastIndex(of: 10) { self.lastNewline = before + newline }
        guard self.buffer.count >= Self.pieceSize else { return }
        if let newline = self.lastNewline {
            emit(Array(self.buffer[...newline]))
            self.buffer.removeSubrange(...newline)
            self.lastNewline = nil
        } else if self.buffer.count > Self.maxUnit {
            emit(self.buffer + [10])
            self.buffer = []
        }
    }

    // MARK: CloudTrail records

    private mutating func pushRecords(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: ([UInt8]) -> Void) {
        guard self.recordDepth != nil else {
            self.head.append(contentsOf: bytes)
            guard self.head.count >= 256 else { return }
            self.decide()
            let head = self.head
            self.head = []
            head.withUnsafeBufferPointer { self.scan($0, emit) }
            return
        }
        self.scan(bytes, emit)
    }

    /// Where the records are: inside `{"Records":[`, inside a top-level array, or at the top (JSON lines).
    private mutating func decide() {
        let compact = self.head.lazy.filter { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }
        if compact.first == UInt8(ascii: "[") {
            self.recordDepth = 1
        } else if Array(compact.prefix(10)) == Array(#"{"Records""#.utf8) {
            self.recordDepth = 2
        } else {
            self.recordDepth = 0
        }
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: ([UInt8]) -> Void) {
        let target = self.recordDepth ?? 0
        var start = self.capturing ? 0 : -1
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if self.inString {
                if self.escaped {
                    self.escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    self.escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    self.inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): self.inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if byte == UInt8(ascii: "{"), self.depth == target, !self.capturing {
                    self.capturing = true
                    self.overlong = false
                    self.record = []
                    start = index
                }
                self.depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                self.depth = max(0, self.depth - 1)
                if self.capturing, self.depth == target {
                    if start >= 0, !self.overlong { self.record.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...index])) }
                    self.capturing = false
                    start = -1
                    let complete = self.overlong ? Array("{}".utf8) : self.record
                    self.record = []
                    self.append(record: complete, emit)
                }
            default: break
            }
        }
        if self.capturing, start >= 0, !self.overlong {
            self.record.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            if self.record.count > Self.maxUnit {
                self.overlong = true
                self.record = []
            }
        }
    }

    private mutating func append(record: [UInt8], _ emit: ([UInt8]) -> Void) {
        self.buffer.append(self.batched == 0 ? UInt8(ascii: "[") : UInt8(ascii: ","))
        self.buffer.append(contentsOf: record)
        self.batched += 1
        if self.buffer.count >= Self.pieceSize { self.flushBatch(emit) }
    }

    private mutating func flushBatch(_ emit: ([UInt8]) -> Void) {
        guard self.batched > 0 else { return }
        emit(Array(#"{"Records":"#.utf8) + self.buffer + Array("]}".utf8))
        self.buffer = []
        self.batched = 0
    }
}
