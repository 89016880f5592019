import Synchronization
import ThreatLists

/// Where addresses are (the country of the operator's city/country database when one is given — `--geoip-city` —,
/// else a country or region per network: `intel/ip-locations.tsv`, else the shipped `intel/ip-countries.tsv.gz`) and
/// which are AWS's (`intel/aws-ip-ranges.json`): the matchers of the large built-in
/// files, built once (close to a million networks) and shared by every `Intelligence` made with them.
public final class Places: Sendable {
    /// The locations, read and matched on first use: only successful console sign-ins ask where an address is, and the
    /// country file's close to a million networks take a while to match (seconds in a debug build).
    private let readLocations: @Sendable () -> [(network: IPNetwork, label: String)]
    private let located = Mutex<(matcher: IPMatcher, labels: [String])?>(nil)
    /// AWS's published ranges, read and matched on first use too: one list per (service, region, prefix length), and
    /// for each answer of the matcher the most specific range holding the address (nil: outside AWS).
    private let readAWSRanges: @Sendable () -> [AWSIPRanges.Prefix]
    private let ranged = Mutex<(matcher: IPMatcher, answers: [AWSRange?])?>(nil)
    /// The operator's geolocation databases: their country comes before the location files.
    let geo: GeoDatabases?

    /// `locations` and `awsRanges` are each called once, when first needed.
    public init(
        locations: @escaping @Sendable () -> [(network: IPNetwork, label: String)], awsRanges: @escaping @Sendable () -> [AWSIPRanges.Prefix],
        geo: GeoDatabases? = nil
    ) {
        self.readLocations = locations
        self.readAWSRanges = awsRanges
        self.geo = geo
    }

    public convenience init(locations: [(network: IPNetwork, label: String)] = [], awsRanges: [AWSIPRanges.Prefix] = [], geo: GeoDatabases? = nil) {
        self.init(locations: { locations }, awsRanges: { awsRanges }, geo: geo)
    }

    /// The most specific AWS range holding an address (nil: outside AWS's ranges, or none loaded).
    func awsRange(_ address: IPAddress) -> AWSRange? {
        self.ranged.withLock { ranged in
            if ranged == nil { ranged = Self.awsMatcher(self.readAWSRanges()) }
            guard let (matcher, answers) = ranged, !matcher.isEmpty else { return nil }
            return answers[Int(matcher.answer(address))]
        }
    }

    /// The location of an address: the database's country code when a database places it, else the location files'
    /// label (when networks of several locations hold it, the first label in sorted order).
    func location(_ address: IPAddress) -> String? {
        if let country = self.geo?.locate(address.network)?.countryCode { return country }
        return self.located.withLock { located in
            if located == nil { located = Self.match(self.readLocations()) }
            guard let (matcher, labels) = located, !matcher.isEmpty else { return nil }
            return matcher.combinations[Int(matcher.answer(address))].first.map { labels[$0] }
        }
    }

    static func match(_ locations: [(network: IPNetwork, label: String)]) -> (matcher: IPMatcher, labels: [String]) {
        let labels = Array(Set(locations.map(\.label))).sorted()
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var byLabel = [[IPNetwork]](repeating: [], count: labels.count)
        for (network, label) in locations { byLabel[labelIndex[label]!].append(network) }
        return (IPMatcher(lists: byLabel), labels)
    }

    /// The matcher of AWS's ranges and the most specific range of each of its answers: the longest prefix, and at equal
    /// length a named service before the AMAZON umbrella.
    static func awsMatcher(_ prefixes: [AWSIPRanges.Prefix]) -> (IPMatcher, [AWSRange?]) {
        struct List: Hashable {
            var range: AWSRange
            var length: UInt8
        }
        var index: [List: Int] = [:]
        var lists: [List] = []
        var networks: [[IPNetwork]] = []
        for prefix in prefixes {
            let length: UInt8
            switch prefix.network {
            case .v4(_, let bits): length = bits
            case .v6(_, let bits): length = bits
            }
            let list = List(range: AWSRange(service: prefix.service, region: prefix.region), length: length)
            if let existing = index[list] {
                networks[existing].append(prefix.network)
            } else {
                index[list] = lists.count
                lists.append(list)
                networks.append([prefix.network])
            }
        }
        let matcher = IPMatcher(lists: networks)
        /// Whether `a` is less specific than `b` (ties broken by name, so that the answer is the same whatever the file's order).
        func lessSpecific(_ a: List, _ b: List) -> Bool {
            if a.length != b.length { return a.length < b.length }
            let aUmbrella = a.range.service == "AMAZON"
            let bUmbrella = b.range.service == "AMAZON"
            if aUmbrella != bUmbrella { return aUmbrella }
            return (b.range.service, b.range.region) < (a.range.service, a.range.region)
        }
        let answers: [AWSRange?] = matcher.combinations.map { combination in
            combination.map { lists[$0] }.max(by: lessSpecific)?.range
        }
        return (matcher, answers)
    }

}
