import CZlib
import Detection
import Foundation
import Testing

@testable import MemberAgent

/// The pieces of reading logs from S3 that need no network: key layouts, source URLs, listings and notifications
/// as AWS writes them, the checkpointed state, streamed gzip and the cutting of objects into parser-sized pieces.
@Suite("S3 sources")
struct S3SourceTests {
    /// gzip of `text` (one member), as S3 holds AWS's log objects.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count + 1024)
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<produced])
    }

    /// Streams `bytes` through a GzipStream in pieces of `size`.
    static func gunzip(_ bytes: [UInt8], pieces size: Int) throws -> [UInt8] {
        let stream = GzipStream(name: "test.gz")
        var output: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let piece = Array(bytes[offset..<min(bytes.count, offset + size)])
            try piece.withUnsafeBytes { try stream.push($0) { output.append(contentsOf: $0) } }
            offset += size
        }
        try stream.finish()
        return output
    }

    @Test func keysOfAWSLayoutsTellAccountRegionAndDay() {
        let trail = AWSLogLayout(dataSource: .cloudTrail)
        let base = "trail/AWSLogs/"
        let key = "trail/AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2026/11/30/111122223333_CloudTrail_eu-west-1_20261130T1805Z_x.json.gz"
        let facts = trail.facts(of: key, base: base)
        #expect(facts?.account == "111122223333")
        #expect(facts?.scope == "eu-west-1")
        #expect(facts?.day == "2026/11/30")
        #expect(facts?.location == "trail/AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/")
        #expect(facts?.dayPrefix == "trail/AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2026/11/30/")
        // Digests, another service, folders and keys outside the prefix are not CloudTrail log objects.
        #expect(trail.facts(of: "trail/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/11/30/d.json.gz", base: base) == nil)
        #expect(trail.facts(of: "trail/AWSLogs/111122223333/vpcflowlogs/eu-west-1/2026/11/30/f.log.gz", base: base) == nil)
        #expect(trail.facts(of: "trail/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/30/", base: base) == nil)
        #expect(trail.facts(of: "other/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/30/a.json.gz", base: base) == nil)
        #expect(trail.facts(of: "trail/AWSLogs/11112222333/CloudTrail/eu-west-1/2026/11/30/a.json.gz", base: base) == nil)

        let flows = AWSLogLayout(dataSource: .flowLogs)
        let hourly = flows.facts(
            of: "AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/01/02/13/111122223333_vpcflowlogs_us-east-1_fl-1_x.log.gz", base: "AWSLogs/")
        #expect(hourly?.day == "2026/01/02")
        let hive = flows.facts(
            of: "AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=01/day=02/f.log.gz",
            base: "AWSLogs/")
        #expect(hive?.account == "111122223333")
        #expect(hive?.scope == "us-east-1")
        #expect(hive?.day == "2026/01/02")
        let dns = AWSLogLayout(dataSource: .dnsLogs).facts(
            of: "AWSLogs/111122223333/vpcdnsquerylogs/vpc-0abc/2026/01/02/111122223333_vpcdnsquerylogs_vpc-0abc_x.log.gz", base: "AWSLogs/")
        #expect(dns?.scope == "vpc-0abc")
    }

    @Test func sourceURLsNameTheFolderThatHoldsAWSLogs() {
        #expect(S3SourceURL("s3://org-logs")?.base == "AWSLogs/")
        #expect(S3SourceURL("s3://org-logs/")?.base == "AWSLogs/")
        #expect(S3SourceURL("s3://org-logs/trail")?.base == "trail/AWSLogs/")
        #expect(S3SourceURL("s3://org-logs/trail/AWSLogs/o-abc/")?.base == "trail/AWSLogs/")
        #expect(S3SourceURL("s3://org-logs/AWSLogs")?.base == "AWSLogs/")
        #expect(S3SourceURL("s3://org-logs/trail/")?.description == "s3://org-logs/trail/")
        for bad in ["s3://", "s3://Upper", "s3://ab", "s3://-bucket", "s3://b_ucket/", "s3://bucket/../x", "s3://bucket/a//b", "/var/log"] {
            #expect(S3SourceURL(bad) == nil, "\(bad)")
        }
    }

    @Test func listingsAreReadWithURLEncodedKeysAndTheirNextPage() {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>AWSLogs/</Prefix>
            <IsTruncated>true</IsTruncated><NextContinuationToken>t&amp;1</NextContinuationToken><EncodingType>url</EncodingType>
            <Contents><Key>AWSLogs/a+b%2Bc.json.gz</Key><LastModified>2026-11-30T18:05:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>42</Size></Contents>
            <Contents><Key>AWSLogs/x.gz</Key><LastModified>2026-11-30T18:06:00.000Z</LastModified><ETag>"def-2"</ETag><Size>7</Size></Contents>
            <CommonPrefixes><Prefix>AWSLogs/o-abc/</Prefix></CommonPrefixes></ListBucketResult>
            """
        let listing = S3LogClient.listing(Array(xml.utf8))
        #expect(listing.objects.map(\.key) == ["AWSLogs/a b+c.json.gz", "AWSLogs/x.gz"])
        #expect(listing.objects.map(\.etag) == ["abc", "def-2"])
        #expect(listing.objects.map(\.size) == [42, 7])
        #expect(listing.objects[1].lastModified - listing.objects[0].lastModified == 60)
        #expect(listing.prefixes == ["AWSLogs/o-abc/"])
        #expect(listing.nextToken == "t&1")
    }

    @Test func errorsSayWhatTheStoreSaidAndWhetherToRetry() {
        let missing = S3RequestError.from(
            status: 404, body: Array("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>".utf8),
            what: "listing s3://logs/")
        #expect(missing.code == "NoSuchBucket")
        #expect(!missing.retryable)
        #expect(missing.description.contains("The specified bucket does not exist"))
        #expect(S3RequestError.from(status: 503, body: Array("<Error><Code>SlowDown</Code></Error>".utf8), what: "x").retryable)
        let throttled = S3RequestError.from(
            status: 400, body: Array(#"{"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow"}"#.utf8), what: "q")
        #expect(throttled.code == "RequestThrottled")
        #expect(throttled.retryable)
        #expect(!S3RequestError.from(status: 403, body: [], what: "x").retryable)
    }

    @Test func notificationsOfEveryShapeNameTheirObjects() {
        let direct = #"""
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"logs"},
            "object":{"key":"AWSLogs/1/a+b%3D.gz","size":12,"eTag":"e1"}}},{"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"logs"},"object":{"key":"k"}}}]}
            """#
        #expect(S3Notification(body: direct).objects == [.init(bucket: "logs", key: "AWSLogs/1/a b=.gz", etag: "e1", size: 12)])
        let inner =
            #"{"Records":[{"eventName":"ObjectCreated:CompleteMultipartUpload","s3":{"bucket":{"name":"logs"},"object":{"key":"k2","eTag":"e2"}}}]}"#
        let sns = try! String(decoding: JSONSerialization.data(withJSONObject: ["Type": "Notification", "Message": inner]), as: UTF8.self)
        #expect(S3Notification(body: sns).objects.map(\.key) == ["k2"])
        let bridge =
            #"{"detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{"name":"logs"},"object":{"key":"a b.gz","etag":"e3","size":5}}}"#
        #expect(S3Notification(body: bridge).objects == [.init(bucket: "logs", key: "a b.gz", etag: "e3", size: 5)])
        for nothing in [#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"logs"}"#, "not json", "[]", #"{"Records":"x"}"#] {
            #expect(S3Notification(body: nothing).objects.isEmpty)
        }
    }

    @Test func listingRestartsBeforeKeysSeenWithinTheLateWindowAndBeforeWaitingOnes() {
        var day = S3SourceState.Day(prefix: "p/")
        day.seen = ["p/a": .init(etag: "1", firstSeen: 100), "p/b": .init(etag: "1", firstSeen: 200), "p/c": .init(etag: "1", firstSeen: 900)]
        #expect(S3SourceState.startAfter(day, now: 1000, late: 500, pending: nil) == "p/b")
        #expect(S3SourceState.startAfter(day, now: 1000, late: 850, pending: nil) == "p/a")
        #expect(S3SourceState.startAfter(day, now: 1000, late: 950, pending: nil) == nil)
        #expect(S3SourceState.startAfter(day, now: 1000, late: 0, pending: "p/b0") == "p/b")
    }

    @Test func closedDaysAreForgottenAndNeverListedAgainOnlyOnceEarlierDaysClose() {
        var state = S3SourceState()
        let facts = { (day: String) in AWSLogLayout.Facts(account: "1", scope: "r", day: day, location: "L/", dayPrefix: "L/\(day)/") }
        let object = S3ObjectSummary(key: "L/k", etag: "e", size: 1, lastModified: 5)
        state.markRead(facts("2026/11/28"), object: object, now: 10)
        state.markRead(facts("2026/11/29"), object: object, now: 10)
        state.close("2026/11/29", in: "L/")
        #expect(state.locations["L/"]?.closedThrough == nil)
        #expect(state.wasRead(facts("2026/11/29"), key: "L/other", etag: "x"))
        #expect(!state.wasRead(facts("2026/11/28"), key: "L/other", etag: "x"))
        #expect(state.wasRead(facts("2026/11/28"), key: "L/k", etag: "e"))
        #expect(!state.wasRead(facts("2026/11/28"), key: "L/k", etag: "replaced"))
        state.close("2026/11/28", in: "L/")
        #expect(state.locations["L/"]?.closedThrough == "2026/11/29")
        #expect(state.locations["L/"]?.closed == [])
        #expect(state.locations["L/"]?.days.isEmpty == true)
    }

    @Test func gzipIsStreamedWhateverThePiecesAndEveryMemberIsRead() throws {
        let text = Array((0..<5000).map { "line \($0) of a flow log\n" }.joined().utf8)
        let double = Self.gzip(Array(text[0..<1000])) + Self.gzip(Array(text[1000...]))
        for size in [1, 7, 4096, 1 << 20] {
            #expect(try Self.gunzip(double, pieces: size) == text)
        }
        let whole = Self.gzip(text)
        #expect(throws: LogInputError.self) { try Self.gunzip(Array(whole.dropLast(20)), pieces: 100) }
        #expect(throws: LogInputError.self) { try Self.gunzip(Array("not gzip at all".utf8), pieces: 100) }
    }

    @Test func gzipFilesOnDiskAreReadPieceByPieceAtLineEnds() throws {
        let text = Array((0..<20000).map { "2 123 eni-\($0) 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK\n" }.joined().utf8)
        let path = try temporaryDirectory() + "/flow.log.gz"
        try Data(Self.gzip(Array(text[0..<7000])) + Self.gzip(Array(text[7000...]))).write(to: URL(fileURLWithPath: path))
        var chunks: [[UInt8]] = []
        try LogInput.forEachChunk(path, chunkSize: 10_000) { chunks.append(Array($0)) }
        #expect(chunks.count > 10)
        #expect(chunks.allSatisfy { $0.last == 10 })
        #expect(Array(chunks.joined()) == text)
        try Data(Self.gzip(text).dropLast(30)).write(to: URL(fileURLWithPath: path))
        #expect(throws: LogInputError.self) { try LogInput.forEachChunk(path, chunkSize: 10_000) { _ in } }
    }

    /// Cuts `bytes` in pieces of `size` and collects what the chunker hands over.
    static func chunks(_ bytes: [UInt8], as dataSource: DataSource, pieces size: Int) -> [[UInt8]] {
        var chunker = LogChunker(cloudTrail: dataSource == .cloudTrail)
        var out: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let piece = Array(bytes[offset..<min(bytes.count, offset + size)])
            piece.withUnsafeBufferPointer { chunker.push($0) { out.append($0) } }
            offset += size
        }
        chunker.finish { out.append($0) }
        return out
    }

    @Test func cloudTrailDocumentsAreRegroupedRecordByRecordWhereverTheyAreCut() throws {
        let records = (0..<300).map { index in
            #"{"eventTime":"2026-11-30T18:00:00Z","eventName":"Get{\"\#(index)","eventSource":"s3.amazonaws.com","note":"} ] {[ \\"}"#
        }
        let document = Array(("{\"Records\":[\n  " + records.joined(separator: ",\n  ") + "\n]}\n").utf8)
        for shape in [document, Array(("[" + records.joined(separator: ",") + "]").utf8), Array(records.joined(separator: "\n").utf8)] {
            for size in [1, 13, 300, 1 << 20] {
                var names: [String] = []
                for chunk in Self.chunks(shape, as: .cloudTrail, pieces: size) {
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(chunk)) as? [String: Any])
                    names += (object["Records"] as? [[String: Any]] ?? []).compactMap { $0["eventName"] as? String }
                }
                #expect(names == (0..<300).map { "Get{\"\($0)" })
            }
        }
    }

    @Test func aLineOfSeveralMegabytesArrivingInSmallPiecesIsHandedOverWhole() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20) + [10] + Array("next\n".utf8)
        let chunks = Self.chunks(long, as: .dnsLogs, pieces: 65536)
        #expect(Array(chunks.joined()) == long)
        #expect(chunks.first?.count == (3 << 20) + 1 + 5 || chunks.first?.count == (3 << 20) + 1)
    }

    @Test func lineLogsAreHandedOverInWholeLinesAndALastLineWithoutNewlineIsKept() {
        let text = Array((0..<20000).map { "2 123 eni-\($0) 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK" }.joined(separator: "\n").utf8)
        for size in [5, 65536, 3 << 20] {
            let chunks = Self.chunks(text, as: .flowLogs, pieces: size)
            #expect(chunks.allSatisfy { $0.last == 10 })
            #expect(Array(chunks.joined()) == text + [10])
        }
    }
}
