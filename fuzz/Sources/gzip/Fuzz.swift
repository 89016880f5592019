import CZlibFuzz
import Detection
import Foundation
import FuzzSupport

/// Gzips bytes with zlib (one member, or two when `split` is inside the input).
func gzip(_ input: [UInt8], split: Int?) -> [UInt8] {
    var output: [UInt8] = []
    let members = split.map { [Array(input[..<$0]), Array(input[$0...])] } ?? [input]
    for member in members {
        var stream = z_stream()
        guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            fatalError("deflateInit2 failed")
        }
        var buffer = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(member.count))) + 64)
        var source = member
        let written = source.withUnsafeMutableBufferPointer { source in
            buffer.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate did not finish")
                return target.count - Int(stream.avail_out)
            }
        }
        deflateEnd(&stream)
        output += buffer[..<written]
    }
    return output
}

/// Gzip input as the scanner and the agent read it (`LogInput.gunzip`): arbitrary bytes must be refused or
/// decompressed without a crash, and the fuzzer's bytes gzipped (in one or two members) must come back unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = fuzzBytes(data, count)
    // As it comes: mostly not gzip at all. A gzip header in front makes the decompressor read the rest.
    _ = try? LogInput.gunzip(bytes, name: "fuzz")
    _ = try? LogInput.gunzip([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0xFF] + bytes, name: "fuzz")
    // Round trip.
    let split = bytes.count > 1 && bytes[0] & 1 == 1 ? Int(bytes[1]) % bytes.count : nil
    let compressed = gzip(bytes, split: split)
    do {
        let back = try LogInput.gunzip(compressed, name: "fuzz")
        fuzzCheck(back == bytes, "gzip round trip changed \(bytes.count) bytes into \(back.count)")
    } catch {
        fuzzCheck(false, "gzip of \(bytes.count) bytes was refused: \(error)")
    }
    // Truncated: refused, never a crash or a partial success that claims the whole file.
    if compressed.count > 20 {
        _ = try? LogInput.gunzip(Array(compressed.dropLast(9)), name: "fuzz")
    }
    // Streamed as an S3 object downloads, in pieces the input chooses: the same bytes as whole, or the same refusal.
    let piece = 1 + Int(bytes.first ?? 0) % 97
    fuzzCheck((try? streamed(compressed, piece: piece)) == bytes, "streamed gzip in pieces of \(piece) differs from the input")
    let whole = try? LogInput.gunzip([0x1F, 0x8B] + bytes, name: "fuzz")
    let pieces = try? streamed([0x1F, 0x8B] + bytes, piece: piece)
    fuzzCheck(whole == nil || pieces == whole, "streamed gzip accepted what whole gzip refused, or differs from it")
    // Cut into CloudTrail records as objects are: never a trap, and a valid document keeps every record.
    chunk(bytes, piece: piece)
    return 0
}

/// `GzipStream` fed `input` in pieces of `piece` bytes.
func streamed(_ input: [UInt8], piece: Int) throws -> [UInt8] {
    let stream = GzipStream(name: "fuzz")
    var output: [UInt8] = []
    var offset = 0
    while offset < input.count {
        try Array(input[offset..<min(input.count, offset + piece)]).withUnsafeBytes { try stream.push($0) { output += $0 } }
        offset += piece
    }
    try stream.finish()
    return output
}

/// `LogChunker` over the bytes as CloudTrail: when the bytes are a document as CloudTrail writes it (`{"Records":[`
/// first) or an array of events, the pieces hold exactly its records.
func chunk(_ bytes: [UInt8], piece: Int) {
    var chunker = LogChunker(cloudTrail: true)
    var parser = CloudTrailParser(byteLevel: false)
    var names: [String] = []
    var offset = 0
    while offset < bytes.count {
        Array(bytes[offset..<min(bytes.count, offset + piece)]).withUnsafeBufferPointer { buffer in
            chunker.push(buffer) { parser.parse($0) { names.append($0.eventName) } }
        }
        offset += piece
    }
    chunker.finish { parser.parse($0) { names.append($0.eventName) } }
    var whole = CloudTrailParser(byteLevel: false)
    var expected: [String] = []
    // As CloudTrail writes them: `{"Records":[` first, or an array of events.
    let compact = bytes.filter { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }
    guard compact.starts(with: Array(#"{"Records":["#.utf8)) || compact.first == UInt8(ascii: "["),
        let object = try? JSONSerialization.jsonObject(with: Data(bytes)), object is [Any] || (object as? [String: Any])?["Records"] is [Any]
    else { return }
    whole.parse(bytes) { expected.append($0.eventName) }
    fuzzCheck(names == expected, "the chunker's records \(names.count) differ from the document's \(expected.count)")
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
