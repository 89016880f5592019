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
    let locations: [(network: IPNetwork, label: String)]

    public init(directory: String?) {
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
        self.locations =
            directory.flatMap { try? String(contentsOfFile: "\($0)/ip-locations.tsv", encoding: .utf8) }.map(Intelligence.locations) ?? []
    }

    public func intelligence(threatLists: [(name: String, list: ParsedList)], trustedLists: [ParsedList]) -> Intelligence {
        Intelligence(
            threatLists: threatLists, trustedLists: trustedLists, builtInDomains: self.domains, torNodes: self.torNodes,
            miningPools: self.miningPools,
            maliciousIPs: self.maliciousIPs, blackholes: self.blackholes, locations: self.locations
        )
    }
}
