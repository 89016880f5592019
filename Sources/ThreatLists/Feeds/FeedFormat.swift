/// How a managed intelligence feed's file is written.
/// - `plain`: one IP, CIDR or domain per line, '#'/';'/'//' comments, anything after the first blank ignored — plain
///   address lists, FireHOL ipsets and netsets (their '#' header), plain domain lists;
/// - `hosts`: a hosts file (`0.0.0.0 domain`, `127.0.0.1 domain`, several names per line allowed); the sink address is
///   not an entry, and `localhost`-style names are left out;
/// - the list formats GuardDuty accepts for threat lists (`TXT`, `STIX`, `OTX_CSV`, `ALIEN_VAULT`, `PROOF_POINT`,
///   `FIRE_EYE`).
public enum FeedFormat: Sendable, Equatable, CustomStringConvertible {
    case plain
    case hosts
    case list(ListFormat)

    /// Reads a format name as `intel add --format` takes it (case-insensitive; `firehol`, `netset`, `ipset`, `ip`
    /// and `domains` are names of `plain`).
    public init?(name: String) {
        switch name.lowercased() {
        case "plain", "firehol", "netset", "ipset", "ip", "ips", "domains", "domain": self = .plain
        case "hosts": self = .hosts
        default:
            guard let format = ListFormat(rawValue: name.uppercased()) else { return nil }
            self = format == .txt ? .plain : .list(format)
        }
    }

    public var description: String {
        switch self {
        case .plain: "plain"
        case .hosts: "hosts"
        case .list(let format): format.rawValue
        }
    }

    /// The names `--format` accepts.
    public static let names = "plain (IP/CIDR/domain per line; FireHOL ipset/netset), hosts, STIX, OTX_CSV, ALIEN_VAULT, PROOF_POINT, FIRE_EYE"

    /// The format of a file judged from its first entries: `hosts` when the first entry line is a sink address followed
    /// by a name, else `plain`.
    public static func guess(_ data: [UInt8]) -> FeedFormat {
        var verdict = FeedFormat.plain
        ListParser.lines(data) { _, line in
            guard !ListParser.isComment(line) else { return true }
            let fields = line.split(whereSeparator: { $0 == 32 || $0 == 9 })
            if fields.count >= 2, FeedParser.sinks.contains(String(decoding: fields[0], as: UTF8.self)) { verdict = .hosts }
            return false
        }
        return verdict
    }
}
