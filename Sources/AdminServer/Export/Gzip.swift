import CZlib

/// gzip (RFC 1952) compression with zlib.
enum Gzip {
    /// zlib refused to compress: nothing is written (and no finding leaves the export outbox).
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "gzip compression failed (zlib \(self.code))" }
    }

    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        guard
            deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                == Z_OK
        else {
            throw Failure(code: Z_STREAM_ERROR)
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
        var input = input
        var result = Z_OK
        let produced: Int = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                result = deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        guard result == Z_STREAM_END else { throw Failure(code: result) }
        return Array(output.prefix(produced))
    }
}
