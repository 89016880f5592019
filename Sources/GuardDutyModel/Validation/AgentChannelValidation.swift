/// Arithmetic on numbers that came from outside (requests, logs, lists): it saturates instead of trapping.
extension Int {
    /// `self + other`, clamped to `Int.min...Int.max`.
    @inlinable
    public func addingClamped(_ other: Int) -> Int {
        let (sum, overflow) = self.addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}

extension AgentHeartbeat {
    /// The largest counter a heartbeat may report: 2^53, far above what an agent analyses between two heartbeats
    /// (15 s) and exact in JSON numbers everywhere. Anything larger is impossible and refused.
    public static let maxCounter = 1 << 53
    /// Data sources an agent may report usage for.
    public static let dataSources: Set<String> = ["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS", "S3_LOGS", "KUBERNETES_AUDIT_LOGS"]

    /// GuardDuty-style 400s for a heartbeat no agent can send: malformed ids, long strings, unknown data sources,
    /// negative or impossibly large counters.
    public func validate() throws {
        guard (8...64).contains(self.agentId.utf8.count),
            self.agentId.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || (($0 | 0x20) >= 97 && ($0 | 0x20) <= 122) || $0 == 45 })
        else {
            throw GuardDutyError.badRequest("The request is rejected because agentId must be 8 to 64 letters, digits or '-'.")
        }
        guard self.hostname.utf8.count <= 255, self.version.utf8.count <= 64, self.sources.count <= 100,
            self.detectorId.utf8.count <= 300
        else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the hostname, version or source list is longer than allowed (255, 64, 100).")
        }
        guard (0...Int(Int32.max)).contains(self.configVersion), (self.usageSequence ?? 0) >= 0 else {
            throw GuardDutyError.badRequest("The request is rejected because configVersion or usageSequence is out of range.")
        }
        for source in self.sources {
            guard Self.dataSources.contains(source.dataSource), source.path.utf8.count <= 4096 else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because a source has data source '\(String(source.dataSource.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(20)))' (FLOW_LOGS, CLOUD_TRAIL, DNS_LOGS, S3_LOGS or KUBERNETES_AUDIT_LOGS) or a path longer than 4096 bytes."
                )
            }
            let counters = [source.records, source.errors, source.recordsSinceLast, source.bytesSinceLast]
            guard counters.allSatisfy({ (0...Self.maxCounter).contains($0) }) else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because a source's counters must be from 0 to \(Self.maxCounter)."
                )
            }
            if let lag = source.lagSeconds, !lag.isFinite {
                throw GuardDutyError.badRequest("The request is rejected because lagSeconds must be a finite number.")
            }
            try Self.validateObjectFigures(source)
        }
    }

    /// An S3 source's figures: counters in range, a finite lag, an issue and at most 10 skipped objects of at most
    /// 4096 bytes each.
    static func validateObjectFigures(_ source: Source) throws {
        guard [source.objects ?? 0, source.objectsBehind ?? 0].allSatisfy({ (0...Self.maxCounter).contains($0) }),
            (source.secondsBehind ?? 0).isFinite
        else {
            throw GuardDutyError.badRequest("The request is rejected because a source's object counters or secondsBehind are out of range.")
        }
        let skipped = source.skippedObjects ?? []
        guard (source.issue?.utf8.count ?? 0) <= 4096, skipped.count <= 10, skipped.allSatisfy({ $0.utf8.count <= 4096 }) else {
            throw GuardDutyError.badRequest(
                "The request is rejected because a source's issue is longer than 4096 bytes or it names more than 10 skipped objects.")
        }
    }
}
