import Detection
import Foundation
import ThreatLists

/// The intelligence shipped as data files (operator-replaceable), loaded once.
public struct BuiltInIntelligence: Sendable {
    let domains: [(type: String, domain: String)]
    let torNodes: [IPNetwork]
    let miningPools: [IPNetwork]
    let maliciousIPs: [IPNetwork]
    let blackholes: [IPNetwork]
    /// Locations and AWS's published ranges (`aws-ip-ranges.json`, AWS's `ip-ranges.json`; none when the file is missing
    /// or unreadable), their matchers built once for every `Intelligence` this makes.
    let places: Places
    /// What went wrong loading the files (a missing or malformed ranges file): the caller logs them, nothing fails.
    public let warnings: [String]

    /// `geo`: the operator's geolocation databases (`--geoip-city`), whose countries come before the location files.
    public init(directory: String?, geo: GeoDatabases? = nil) {
        self.domains =
            directory.flatMap { try? String(contentsOfFile: "\($0)/dns-domains.tsv", encoding: .utf8) }.map(Intelligence.builtInDomains) ?? []
        func addresses(_ file: String) -> [IPNetwork] {
            guard let directory, let data = FileManager.default.contents(atPath: "\(directory)/\(file)") else { return [] }
            return ListParser.parse(Array(data), format: .txt, content: .addresses).networks
        }
        self.torNodes = addresses("tor-exit-nodes.txt")
        self.miningPools = addresses("mining-pool-ips.txt")
        self.maliciousIPs = addresses("malicious-ips.txt")
        self.blackholes = addresses("blackhole-ips.txt")
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

    public func intelligence(threatLists: [(name: String, list: ParsedList)], trustedLists: [ParsedList]) -> Intelligence {
        Intelligence(
            threatLists: threatLists, trustedLists: trustedLists, builtInDomains: self.domains, torNodes: self.torNodes,
            miningPools: self.miningPools,
            maliciousIPs: self.maliciousIPs, blackholes: self.blackholes, places: self.places
        )
    }
}
