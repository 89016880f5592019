import Detection

/// Where AWS delivers each data source's log objects, below the bucket's prefix (BASE):
/// - CloudTrail: `BASE/AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_…json.gz`
/// - VPC Flow Logs: `BASE/AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/[HH/]ACCOUNT_vpcflowlogs_REGION_fl-…log.gz`,
///   or Hive-compatible: `BASE/AWSLogs/aws-account-id=ACCOUNT/aws-service=vpcflowlogs/aws-region=REGION/year=YYYY/month=MM/day=DD/…`
/// - Route 53 Resolver query logs: `BASE/AWSLogs/ACCOUNT/vpcdnsquerylogs/VPC-ID/YYYY/MM/DD/ACCOUNT_vpcdnsquerylogs_…log.gz`
/// A "location" is one account's and one region's (or VPC's) folder; a day folder below it holds the day's objects.
struct AWSLogLayout: Sendable {
    let dataSource: DataSource

    /// The service folder's name.
    var service: String {
        switch self.dataSource {
        case .cloudTrail: return "CloudTrail"
        case .flowLogs: return "vpcflowlogs"
        case .dnsLogs: return "vpcdnsquerylogs"
        // No AWS service delivers a self-hosted cluster's audit log: `--k8s-audit-logs` takes local paths only.
        case .kubernetesAuditLogs: return "kubernetes"
        }
    }

    /// Whether the folder below the service names a region (CloudTrail, flow logs) rather than a VPC (Resolver logs).
    var scopeIsRegion: Bool { self.dataSource != .dnsLogs }

    /// What a key says about its object: account, region or VPC, day (`YYYY/MM/DD`) and the location and day folders.
    struct Facts: Equatable {
        var account: String
        var scope: String
        var day: String
        var location: String
        var dayPrefix: String
    }

    /// The facts of `key` when it is a log object of this layout below `base` (`…/AWSLogs/`), else nil (digests,
    /// insights, another service's logs, folders).
    func facts(of key: String, base: String) -> Facts? {
        guard key.hasPrefix(base), !key.hasSuffix("/") else { return nil }
        var parts = key.dropFirst(base.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var location = base
        if let first = parts.first, first.hasPrefix("o-") {
            location += first + "/"
            parts.removeFirst()
        }
        // account, service, scope, year, month, day, [hour], file
        guard parts.count >= 7, let account = Self.account(parts[0]), Self.value(parts[1]) == self.service, !parts[2].isEmpty,
            let year = Self.number(parts[3], digits: 4), let month = Self.number(parts[4], digits: 2), let day = Self.number(parts[5], digits: 2)
        else { return nil }
        location += parts[0..<3].joined(separator: "/") + "/"
        let dayPrefix = location + parts[3..<6].joined(separator: "/") + "/"
        return Facts(account: account, scope: Self.value(parts[2]), day: "\(year)/\(month)/\(day)", location: location, dayPrefix: dayPrefix)
    }

    /// A folder's value: `123456789012` or Hive's `aws-account-id=123456789012` → `123456789012`.
    static func value(_ folder: String) -> String {
        guard let equals = folder.firstIndex(of: "=") else { return folder }
        return String(folder[folder.index(after: equals)...])
    }

    /// The account a folder names (12 digits), if it names one.
    static func account(_ folder: String) -> String? {
        let value = Self.value(folder)
        return value.utf8.count == 12 && value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? value : nil
    }

    /// A date part of `digits` digits (`2026`, `year=2026`, `11`), as it is.
    static func number(_ folder: String, digits: Int) -> String? {
        let value = Self.value(folder)
        return value.utf8.count == digits && value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? value : nil
    }

    /// The last folder name of a common prefix (`a/b/c/` → `c`).
    static func lastFolder(_ prefix: String) -> String {
        String(prefix.dropLast(prefix.hasSuffix("/") ? 1 : 0).split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    }
}
