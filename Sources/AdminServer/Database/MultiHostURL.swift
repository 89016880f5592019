import Foundation

/// A libpq multi-host connection string, `postgres://user:pass@h1:p1,h2:p2/db?target_session_attrs=read-write`:
/// the hosts in order and the same URL for one host, to be pointed at `PrimaryForwarder`. postgres-nio connects to
/// one host, so failover between these hosts is the forwarder's.
public struct MultiHostURL: Sendable, Equatable {
    public var hosts: [DatabaseHost]
    /// The URL up to the hosts (`postgres://user:pass@`) and after them (`/db?…`, without `target_session_attrs`).
    var prefix: String
    var suffix: String

    /// Nil when `url` names at most one host (the ordinary case); throws when a multi-host URL is malformed or asks
    /// for something other than the writable host.
    public static func parse(_ url: String) throws -> MultiHostURL? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let hostPart = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        guard hostPart.contains(",") else { return nil }
        var hosts: [DatabaseHost] = []
        for item in hostPart.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = item.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let name = pieces.first, !name.isEmpty, let port = pieces.count == 2 ? Int(pieces[1]) : 5432,
                (1...65535).contains(port)
            else {
                throw MigrationError(description: "database URL host '\(item)' is not host or host:port")
            }
            hosts.append(DatabaseHost(host: String(name), port: port))
        }
        let prefix = String(url[..<authority.endIndex].dropLast(hostPart.count))
        let tail = rest[authorityEnd...]
        let path = tail.prefix { $0 != "?" }
        var parameters = tail.dropFirst(path.count + 1).split(separator: "&").map(String.init)
        // libpq's default (any) would take the first host that answers; through the forwarder only the writable one is.
        if let attrs = parameters.first(where: { $0.hasPrefix("target_session_attrs=") })?.dropFirst("target_session_attrs=".count),
            !["read-write", "primary"].contains(attrs)
        {
            throw MigrationError(description: "a multi-host database URL needs target_session_attrs=read-write (or primary), not '\(attrs)'")
        }
        parameters.removeAll { $0.hasPrefix("target_session_attrs=") }
        return MultiHostURL(hosts: hosts, prefix: prefix, suffix: String(path) + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")))
    }

    /// The URL for one host (the forwarder's).
    public func url(host: String, port: Int) -> String {
        self.prefix + "\(host):\(port)" + self.suffix
    }
}
