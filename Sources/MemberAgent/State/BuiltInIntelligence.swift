import Detection
import Foundation
import ThreatLists

/// The intelligence of the intel directory (operator-replaceable), loaded once: `dns-domains.tsv`, the address files
/// (`tor-exit-nodes.txt`, `mining-pool-ips.txt`, `malicious-ips.txt`, `blackhole-ips.txt`), and feed files laid out as
/// `feeds/<kind>/<name>[.ext]` (any feed kind of `guardpost-admin intel`; the format is judged from the content), which is
/// how `guardpost-agent scan --intel-dir` runs offline on the same files the administrator's feeds fetch.
public struct BuiltInIntelligence: Sendable {
    let domainSources: [DomainSource]
    let addressSources: [AddressSource]
    /// Locations and AWS's published ranges (`aws-ip-ranges.json`, AWS's `ip-ranges.json`; none when the file is missing
    /// or unreadable), their matchers built once for every `Intelligence` this makes.
    let places: Places
    /// What went wrong loading the files (a missing or malformed ranges file): the caller logs them, nothing fails.
    public let warnings: [String]

    /// `geo`: the operator's geolocation databases (`--geoip-city`), whose countries come before the location files.
    public init(directory: String?, geo: GeoDatabases? = nil) {
        let pairs = directory.flatMap { try? String(contentsOfFile: "\($0)/dns-domains.tsv", encoding: .utf8) }.map(Intelligence.builtInDomains) ?? []
        var domainSources = Intelligence.domainSources(pairs, name: "dns-domains.tsv")
        var addressSources: [AddressSource] = []
        for meaning in [FeedAddressMeaning.tor, .miningPool, .malicious, .blackhole] {
            let file = Intelligence.builtInNames[meaning]!
            guard let directory, let data = FileManager.default.contents(atPath: "\(directory)/\(file)") else { continue }
            let networks = ListParser.parse(Array(data), format: .txt, content: .addresses).networks
            if !networks.isEmpty { addressSources.append(AddressSource(name: file, meaning: meaning, networks: networks)) }
        }
        for feed in Self.feedFiles(directory: directory) {
            addressSources.append(contentsOf: feed.addressSources)
            domainSources.append(contentsOf: feed.domainSources)
        }
        self.addressSources = addressSources
        self.domainSources = domainSources
        // The operator's own location file when it holds networks, else the shipped country file.
        let own =
            directory.flatMap { FileManager.default.contents(atPath: "\($0)/ip-locations.tsv") }.map { Intelligence.locations(tsv: Array($0)) } ?? []
        // The two large files are read when first needed (see `Places`); a missing ranges file is said now.
        self.places = Places(
            locations: { own.isEmpty ? Self.countries(directory: directory) : own },
            awsRanges: {
                let (ranges, warnings) = Self.awsRanges(directory: directory)
                for warning in warnings { FileHandle.standardError.write(Data("warning: built-in intelligence: \(warning)\n".utf8)) }
                return ranges
            }, geo: geo)
        if let directory, !FileManager.default.fileExists(atPath: "\(directory)/aws-ip-ranges.json") {
            self.warnings = [
                "\(directory)/aws-ip-ranges.json is missing: no address is known to be inside AWS (InstanceCredentialExfiltration cannot tell InsideAWS)"
            ]
        } else {
            self.warnings = []
        }
    }

    /// The shipped country of each network (`ip-countries.tsv.gz`), or none when it is missing or unreadable.
    static func countries(directory: String?) -> [(network: IPNetwork, label: String)] {
        guard let directory, let bytes = try? LogInput.read("\(directory)/ip-countries.tsv.gz") else { return [] }
        return Intelligence.locations(tsv: bytes)
    }

    /// The ranges of `aws-ip-ranges.json`, or none and why.
    static func awsRanges(directory: String?) -> ([AWSIPRanges.Prefix], [String]) {
        guard let directory else { return ([], []) }
        let path = "\(directory)/aws-ip-ranges.json"
        // Its absence is said when the intelligence is loaded.
        guard let data = FileManager.default.contents(atPath: path) else { return ([], []) }
        do {
            return (try AWSIPRanges.parse(Array(data)).prefixes, [])
        } catch {
            return ([], ["\(path) was not read: \(error.description)"])
        }
    }

    /// The feed files of `DIR/feeds/<kind>/`, each a feed named after its file (without extension).
    static func feedFiles(directory: String?) -> [IntelFeed] {
        guard let directory else { return [] }
        let manager = FileManager.default
        var feeds: [IntelFeed] = []
        for kind in FeedKind.allCases {
            let folder = "\(directory)/feeds/\(kind.rawValue)"
            for file in ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).sorted() where !file.hasPrefix(".") {
                guard let data = manager.contents(atPath: "\(folder)/\(file)") else { continue }
                let bytes = Array(data)
                let name = file.split(separator: ".", maxSplits: 1).first.map(String.init) ?? file
                feeds.append(IntelFeed(name: name, kind: kind, list: FeedParser.parse(bytes, format: FeedFormat.guess(bytes))))
            }
        }
        return feeds
    }

    /// The intelligence of a configuration: its lists and the administrator's feeds before the directory's own sources
    /// (so that a hit cites the managed feed).
    public func intelligence(threatLists: [(name: String, list: ParsedList)], trustedLists: [ParsedList], feeds: [IntelFeed] = []) -> Intelligence {
        Intelligence(
            threatLists: threatLists, trustedLists: trustedLists, addressSources: feeds.flatMap(\.addressSources) + self.addressSources,
            domainSources: feeds.flatMap(\.domainSources) + self.domainSources, places: self.places
        )
    }
}
