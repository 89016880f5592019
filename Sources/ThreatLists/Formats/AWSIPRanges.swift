import Foundation

/// AWS's published address ranges (`ip-ranges.json`, https://ip-ranges.amazonaws.com/ip-ranges.json): every prefix with
/// the region and service AWS gives it. A prefix usually appears twice, once under the `AMAZON` umbrella and once
/// under the service that uses it (EC2, S3, CLOUDFRONT…). The file is input from outside (an operator's copy, later a
/// feed), so the parser is bounded and a malformed file is an `AWSIPRangesError` that says what is wrong.
public struct AWSIPRanges: Sendable {
    /// One published prefix.
    public struct Prefix: Sendable, Hashable {
        public var network: IPNetwork
        public var region: String
        public var service: String

        public init(network: IPNetwork, region: String, service: String) {
            self.network = network
            self.region = region
            self.service = service
        }
    }

    /// The largest file read (AWS's own is about 3 MB).
    public static let maximumBytes = 64 << 20
    /// The most prefixes of both families together (AWS publishes about 17,000).
    public static let maximumPrefixes = 500_000
    /// The longest region or service name kept.
    static let maximumNameLength = 64

    public var syncToken: String?
    public var createDate: String?
    public var prefixes: [Prefix]

    public init(syncToken: String? = nil, createDate: String? = nil, prefixes: [Prefix]) {
        self.syncToken = syncToken
        self.createDate = createDate
        self.prefixes = prefixes
    }

    /// The file's shape as AWS writes it; unknown keys (`network_border_group`…) are ignored.
    struct File: Decodable {
        struct V4: Decodable {
            var prefix: String
            var region: String
            var service: String
            enum CodingKeys: String, CodingKey {
                case prefix = "ip_prefix"
                case region, service
            }
        }
        struct V6: Decodable {
            var prefix: String
            var region: String
            var service: String
            enum CodingKeys: String, CodingKey {
                case prefix = "ipv6_prefix"
                case region, service
            }
        }
        var syncToken: String?
        var createDate: String?
        var prefixes: [V4]
        var v6Prefixes: [V6]?
        enum CodingKeys: String, CodingKey {
            case syncToken, createDate, prefixes
            case v6Prefixes = "ipv6_prefixes"
        }
    }

    /// Reads the file; throws when it is too large, not the JSON AWS writes, or names a prefix that is not a network.
    public static func parse(_ bytes: [UInt8]) throws(AWSIPRangesError) -> AWSIPRanges {
        guard bytes.count <= Self.maximumBytes else {
            throw AWSIPRangesError("the file is \(bytes.count) bytes; at most \(Self.maximumBytes) are read")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw AWSIPRangesError(Self.explain(error))
        } catch {
            throw AWSIPRangesError("not JSON: \(error)")
        }
        let v6 = file.v6Prefixes ?? []
        guard file.prefixes.count + v6.count <= Self.maximumPrefixes else {
            throw AWSIPRangesError("\(file.prefixes.count + v6.count) prefixes; at most \(Self.maximumPrefixes) are read")
        }
        var prefixes: [Prefix] = []
        prefixes.reserveCapacity(file.prefixes.count + v6.count)
        let entries =
            file.prefixes.map { ($0.prefix, $0.region, $0.service, "prefixes") }
            + v6.map { ($0.prefix, $0.region, $0.service, "ipv6_prefixes") }
        for (index, (text, region, service, array)) in entries.enumerated() {
            let position = array == "prefixes" ? index : index - file.prefixes.count
            guard let network = IPNetwork.parse(text), network.isV4 == (array == "prefixes") else {
                throw AWSIPRangesError("\(array)[\(position)]: \"\(text.prefix(64))\" is not an \(array == "prefixes" ? "IPv4" : "IPv6") network")
            }
            guard !service.isEmpty, service.utf8.count <= Self.maximumNameLength, region.utf8.count <= Self.maximumNameLength else {
                throw AWSIPRangesError(
                    "\(array)[\(position)]: the service must be 1 to \(Self.maximumNameLength) characters, the region at most as long")
            }
            prefixes.append(Prefix(network: network, region: region, service: service))
        }
        return AWSIPRanges(syncToken: file.syncToken, createDate: file.createDate, prefixes: prefixes)
    }

    /// A decoding error as one line naming where in the file it is.
    static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the file" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): the key \"\(key.stringValue)\" is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "\(path(context)): not valid JSON (\(context.debugDescription))"
        @unknown default: return "not the format of AWS's ip-ranges.json"
        }
    }
}
