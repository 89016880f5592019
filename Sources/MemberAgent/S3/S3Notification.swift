import Foundation
import SigV4

/// The objects an S3 event notification announces, in the three shapes a queue receives: S3's own
/// (`{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":…},"object":{"key":…,"eTag":…}}}]}`, keys
/// URL-encoded), the same wrapped by SNS (`{"Type":"Notification","Message":"…"}`), and EventBridge's
/// (`{"detail-type":"Object Created","detail":{"bucket":{"name":…},"object":{"key":…,"etag":…}}}`). Test events and
/// anything else announce nothing.
struct S3Notification: Equatable {
    /// One announced object: bucket, key (decoded), ETag (without quotes) and size.
    struct Object: Equatable {
        var bucket: String
        var key: String
        var etag: String
        var size: Int64
    }

    var objects: [Object] = []

    init(body: String) {
        guard let data = body.data(using: .utf8), let value = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        self.read(value, depth: 0)
    }

    private mutating func read(_ value: [String: Any], depth: Int) {
        if depth < 2, value["Type"] as? String == "Notification", let message = value["Message"] as? String,
            let data = message.data(using: .utf8), let inner = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            self.read(inner, depth: depth + 1)
            return
        }
        if let records = value["Records"] as? [[String: Any]] {
            for record in records {
                guard let name = record["eventName"] as? String, name.hasPrefix("ObjectCreated:"), let s3 = record["s3"] as? [String: Any],
                    let bucket = (s3["bucket"] as? [String: Any])?["name"] as? String, let object = s3["object"] as? [String: Any],
                    let rawKey = object["key"] as? String, let key = SigV4Encoding.percentDecode(rawKey, plusAsSpace: true)
                else { continue }
                self.objects.append(
                    Object(bucket: bucket, key: key, etag: Self.etag(object["eTag"] ?? object["etag"]), size: Self.size(object["size"])))
            }
            return
        }
        if value["detail-type"] as? String == "Object Created", let detail = value["detail"] as? [String: Any],
            let bucket = (detail["bucket"] as? [String: Any])?["name"] as? String, let object = detail["object"] as? [String: Any],
            let key = object["key"] as? String
        {
            // EventBridge's keys are not URL-encoded.
            self.objects.append(Object(bucket: bucket, key: key, etag: Self.etag(object["etag"]), size: Self.size(object["size"])))
        }
    }

    private static func etag(_ value: Any?) -> String { ((value as? String) ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    private static func size(_ value: Any?) -> Int64 { (value as? NSNumber)?.int64Value ?? 0 }
}
