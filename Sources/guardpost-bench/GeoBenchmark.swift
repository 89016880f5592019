import ArgumentParser
import Foundation
import GuardDutyModel
import ThreatLists

/// `guardpost-bench geo`: what placing one finding's remote address costs, alone (no HTTP, no database): the ingest
/// benchmark's findings, with remote addresses the databases know, through `FindingEnricher` on one core.
struct GeoBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "geo", abstract: "FindingEnricher over bench findings; report µs per finding.")

    @Option(name: .customLong("geoip-city"), help: "City or country database (.mmdb).") var city: String
    @Option(name: .customLong("geoip-asn"), help: "ASN or ISP database (.mmdb).") var asn: String?
    @Option(name: .customLong("remote-addresses"), help: "Comma-separated remote addresses the findings cycle through.") var remoteAddresses: String
    @Option var findings: Int = 200_000

    func run() throws {
        let enricher = FindingEnricher(databases: try GeoDatabases(cityPath: self.city, asnPath: self.asn))
        let remotes = self.remoteAddresses.split(separator: ",").map(String.init)
        let all = (0..<self.findings).map { index in
            var finding = benchFinding(account: "100000000001", detector: "bench", index: index, region: "us-east-1")
            finding.service.action.networkConnectionAction?.remoteIpDetails = Finding.RemoteIpDetails(address: remotes[index % remotes.count])
            return finding
        }
        // One warm-up pass, then the measured one.
        _ = enricher.enriched(Array(all.prefix(1_000)))
        let start = ContinuousClock.now
        let placed = enricher.enriched(all)
        let elapsed = StartMark.seconds(start, ContinuousClock.now)
        let countries = placed.filter { $0.service.action.networkConnectionAction?.remoteIpDetails?.country != nil }.count
        print(
            String(
                format: "geo: %d findings placed in %.3f s: %.2f µs per finding (%d with a country)", all.count, elapsed,
                elapsed / Double(all.count) * 1e6, countries))
    }
}
