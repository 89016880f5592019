import AsyncHTTPClient
import Detection
import NIOCore

/// Streams one log object through the pipeline as it downloads: gunzipped piece by piece (`.gz` keys must be gzip;
/// other keys are read as they are, or gunzipped when they start with gzip's magic number), cut into whole lines or
/// CloudTrail records, analysed. Returns what the records yielded and the bytes analysed (decompressed). A corrupt
/// object throws `LogInputError` after what it held before the damage was analysed.
enum S3ObjectReader {
    /// An object may decompress to this many times its size (or `minLimit`, for small or unsized objects).
    static let maxRatio = 200
    static let minLimit = 1 << 30

    static func read(
        _ object: S3ObjectSummary, bucket: String, as dataSource: DataSource, client: S3LogClient, sentAhead: Task<HTTPClientResponse, any Error>?,
        into pipeline: LogPipeline
    ) async throws -> (yield: LogPipeline.Yield, bytes: Int) {
        let name = "s3://\(bucket)/\(object.key)"
        let file = "s3:\(bucket)/\(object.key)"
        var chunker = LogChunker(cloudTrail: dataSource == .cloudTrail)
        var gzip: GzipStream? = object.key.hasSuffix(".gz") ? GzipStream(name: name) : nil
        var decided = gzip != nil
        var total = LogPipeline.Yield()
        var first = true
        var analysed = 0
        let limit = max(Self.minLimit, Int(clamping: object.size).multipliedReportingOverflow(by: Self.maxRatio).partialValue)
        func analyse(_ bytes: [UInt8]) {
            analysed += bytes.count
            let yield = pipeline.ingest(bytes, from: dataSource, file: file, path: "", fromStart: first)
            first = false
            total.records += yield.records
            total.malformed += yield.malformed
            total.newest = max(total.newest, yield.newest)
        }
        defer { pipeline.finish(file: file) }
        try await client.get(bucket: bucket, key: object.key, etag: object.etag, sentAhead: sentAhead) { buffer in
            try buffer.withUnsafeReadableBytes { raw in
                if !decided {
                    decided = true
                    if raw.count >= 2, raw[0] == 0x1F, raw[1] == 0x8B { gzip = GzipStream(name: name) }
                }
                if let gzip {
                    try gzip.push(raw) { piece in chunker.push(piece, analyse) }
                    // AWS's logs compress 10 to 30 times; far beyond that is a decompression bomb, not a log.
                    guard gzip.produced <= limit else {
                        throw LogInputError(description: "\(name): decompresses to more than \(limit >> 20) MiB, \(Self.maxRatio) times its size")
                    }
                } else {
                    chunker.push(raw.bindMemory(to: UInt8.self), analyse)
                }
            }
        }
        if let gzip { try gzip.finish() }
        chunker.finish(analyse)
        return (total, analysed)
    }
}
