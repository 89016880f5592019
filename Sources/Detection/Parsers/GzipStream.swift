import CZlib

/// Decompresses gzip piece by piece, as the bytes arrive (all members, as `gzip -d` does): an S3 object is analysed
/// while it downloads, and never held whole in memory, compressed or not.
public final class GzipStream {
    private var stream = z_stream()
    private var started = false
    private var ended = false
    private var output = [UInt8](repeating: 0, count: 1 << 16)
    public let name: String
    /// Decompressed bytes so far.
    public private(set) var produced = 0

    public init(name: String) {
        self.name = name
    }

    deinit {
        if self.started { inflateEnd(&self.stream) }
    }

    /// Feeds compressed bytes; `body` gets the decompressed pieces in order.
    public func push(_ input: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if !self.started {
            guard inflateInit2_(&self.stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw LogInputError(description: "\(self.name): zlib could not start")
            }
            self.started = true
        }
        guard let base = input.bindMemory(to: UInt8.self).baseAddress, input.count > 0 else { return }
        var offset = 0
        while offset < input.count {
            // zlib counts input in 32 bits.
            let piece = min(input.count - offset, Int(UInt32.max))
            self.stream.next_in = UnsafeMutablePointer(mutating: base + offset)
            self.stream.avail_in = UInt32(piece)
            offset += piece
            repeat {
                if self.ended {
                    guard self.stream.avail_in > 0 else { break }
                    // Another gzip member follows the one that ended.
                    inflateReset(&self.stream)
                    self.ended = false
                }
                let status: Int32 = self.output.withUnsafeMutableBufferPointer { target in
                    self.stream.next_out = target.baseAddress
                    self.stream.avail_out = UInt32(target.count)
                    return inflate(&self.stream, Z_NO_FLUSH)
                }
                let count = self.output.count - Int(self.stream.avail_out)
                if count > 0 {
                    self.produced += count
                    try self.output.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
                }
                if status == Z_STREAM_END {
                    self.ended = true
                    continue
                }
                // No progress without more input.
                if status == Z_BUF_ERROR { break }
                guard status == Z_OK else { throw LogInputError(description: "\(self.name): not valid gzip data") }
            } while self.stream.avail_in > 0 || self.stream.avail_out == 0
        }
    }

    /// Checks the input ended where a gzip member ends (a truncated object is an error, not a shorter log).
    public func finish() throws {
        guard self.started else { throw LogInputError(description: "\(self.name): empty, not gzip data") }
        guard self.ended else { throw LogInputError(description: "\(self.name): gzip data ends early (truncated)") }
    }
}
