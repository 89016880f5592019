import GuardDutyModel

/// UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration: an instance's role credentials (ASIA…, a session named
/// after the instance) used from a public address that is not the organisation's own — `.OutsideAWS` when the address
/// is outside AWS's published ranges (or no ranges are loaded), `.InsideAWS` when it is in them (another account's
/// EC2 address). The organisation's own addresses are its Elastic IPs and NAT gateways learned from CloudTrail
/// (`OrganisationAddresses`), an AWS address the credentials of two or more instances call from (a shared NAT gateway
/// whose creation predates the logs) and the AWS address of each family an instance's credentials are first used from
/// (the instance's own public address). Calls through a VPC endpoint, from private addresses and by AWS services on the instance's
/// behalf (`invokedBy`, a service name as the source) are never candidates. Since the event that makes an address the
/// organisation's may come after the calls in the files, calls are buffered per instance and address and judged when
/// the rule closes: the findings do not depend on the order of the records.
final class InstanceCredentialExfiltrationRule: CloudTrailRule {
    let findingTypes: [FindingType] = [
        .unauthorizedAccessIAMUserInstanceCredentialExfiltrationOutsideAWS, .unauthorizedAccessIAMUserInstanceCredentialExfiltrationInsideAWS,
    ]

    /// How long (record time) after its last call a candidate waits for the events that may make its address ours.
    static let holdSeconds: Int64 = 3_600
    /// The most candidates, sessions and addresses tracked; past it, what is buffered is judged at once.
    static let capacity = 65_536

    /// One instance's credentials used from one address.
    struct Key: Hashable {
        var session: String
        var address: IPAddress
    }

    /// The earliest call (what the finding shows) and the latest (when the candidate is due).
    struct Candidate {
        var first: CloudTrailEvent
        var trail: CloudTrailContext
        var last: Int64
    }

    let organisation = OrganisationAddresses()
    var candidates: [Key: Candidate] = [:]
    /// Up to two instance sessions seen calling from each AWS address.
    var sessionsByAddress: [IPAddress: [String]] = [:]
    /// Each session's earliest call per address family (a dual-stack instance calls from its IPv6 address and through
    /// its NAT gateway's IPv4 address): its time and address.
    var homes: [Home: (time: Int64, address: IPAddress)] = [:]

    /// One session's calls of one address family.
    struct Home: Hashable {
        var session: String
        var isV6: Bool
    }

    var hasOpenWindows: Bool { !self.candidates.isEmpty }

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        self.organisation.learn(event)
        guard !trail.isS3Data, let remote = trail.remote, !remote.isPrivateOrBogon, event.invokedBy == nil, event.vpcEndpointId == nil,
            event.identityType == "AssumedRole", event.accessKeyId?.hasPrefix("ASIA") == true, let arn = event.identityArn,
            let session = arn.split(separator: "/").last, session.hasPrefix("i-")
        else { return }
        let name = String(session)
        let family = Home(session: name, isV6: remote.isV6)
        if let home = self.homes[family] {
            if (event.eventTime, remote.description) < (home.time, home.address.description) { self.homes[family] = (event.eventTime, remote) }
        } else if self.homes.count < Self.capacity {
            self.homes[family] = (event.eventTime, remote)
        }
        if context.intelligence.isInsideAWS(remote) {
            var sessions = self.sessionsByAddress[remote] ?? []
            if sessions.count < 2, !sessions.contains(name), self.sessionsByAddress.count < Self.capacity || !sessions.isEmpty {
                sessions.append(name)
                self.sessionsByAddress[remote] = sessions
            }
        }
        let key = Key(session: name, address: remote)
        if var candidate = self.candidates[key] {
            if (event.eventTime, event.eventName) < (candidate.first.eventTime, candidate.first.eventName) {
                candidate.first = event
                candidate.trail = trail
            }
            candidate.last = max(candidate.last, event.eventTime)
            self.candidates[key] = candidate
        } else {
            self.candidates[key] = Candidate(first: event, trail: trail, last: event.eventTime)
            if self.candidates.count >= Self.capacity { self.close(before: nil, in: context) }
        }
    }

    func close(before watermark: Int64?, in context: RuleContext) {
        let due = self.candidates.filter { _, candidate in watermark.map { candidate.last + Self.holdSeconds <= $0 } ?? true }
        for (key, candidate) in due {
            self.candidates.removeValue(forKey: key)
            guard let type = self.judge(key, in: context) else { continue }
            let inside = type == .unauthorizedAccessIAMUserInstanceCredentialExfiltrationInsideAWS
            let place =
                inside
                ? "the AWS address \(key.address) (\(context.intelligence.awsRange(key.address)?.description ?? "AWS")), not one of the organisation's"
                : "the external IP address \(key.address)"
            context.report(
                RuleHit(
                    type: type,
                    description: "Credentials created for EC2 instance \(key.session) through its launch role were used from \(place) "
                        + "(\(candidate.first.eventName))."
                ), on: candidate.first, candidate.trail)
        }
    }

    /// The type a session's calls from an address raise, or nil when the address is the organisation's.
    func judge(_ key: Key, in context: RuleContext) -> FindingType? {
        guard !self.organisation.contains(key.address) else { return nil }
        guard context.intelligence.isInsideAWS(key.address) else { return .unauthorizedAccessIAMUserInstanceCredentialExfiltrationOutsideAWS }
        let sharedByInstances = (self.sessionsByAddress[key.address]?.count ?? 0) >= 2
        let instanceHome = self.homes[Home(session: key.session, isV6: key.address.isV6)]?.address == key.address
        return sharedByInstances || instanceHome ? nil : .unauthorizedAccessIAMUserInstanceCredentialExfiltrationInsideAWS
    }
}
