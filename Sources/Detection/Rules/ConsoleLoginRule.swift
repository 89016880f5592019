import GuardDutyModel
import ThreatLists

/// UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B: successful console logins of one principal within
/// `consoleLoginSeconds` from `consoleLoginLocations` locations of the location file, or — for addresses the file does
/// not place — `consoleLoginNetworks` /16 (IPv6: /48) networks counted together with the known locations.
final class ConsoleLoginRule: CloudTrailRule {
    let findingTypes: [FindingType] = [.unauthorizedAccessIAMUserConsoleLoginSuccessB]

    /// One principal's logins in one window.
    struct Key: Hashable {
        var window: Int64
        var account: String
        var principal: String
    }

    /// The locations the location file knows, the networks of the addresses it does not, and the earliest login.
    struct Logins {
        var known: Set<String>
        var networks: Set<String>
        var first: CloudTrailEvent
        var remote: IPAddress
    }

    var logins: [Key: Logins] = [:]

    var hasOpenWindows: Bool { !self.logins.isEmpty }

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard !trail.isS3Data, event.eventName == "ConsoleLogin", trail.succeeded, let remote = trail.remote, !remote.isPrivateOrBogon else { return }
        let principal = event.identityArn ?? event.userName ?? event.principalId ?? "unknown principal"
        let key = Key(window: event.eventTime / context.thresholds.consoleLoginSeconds, account: trail.account, principal: principal)
        var state = self.logins[key] ?? Logins(known: [], networks: [], first: event, remote: remote)
        // A log decides how many places a principal signs in from: each set keeps at most 64 (the thresholds are far
        // below), so a window's state and its finding's description stay bounded.
        if let location = context.intelligence.location(remote) {
            if state.known.count < 64 { state.known.insert(location) }
        } else if state.networks.count < 64 {
            let network = remote.isV6 ? IPNetwork(v6: remote.value, prefix: 48) : IPNetwork(v4: UInt32(truncatingIfNeeded: remote.value), prefix: 16)
            state.networks.insert(network.description)
        }
        if (event.eventTime, remote.description) < (state.first.eventTime, state.remote.description) {
            state.first = event
            state.remote = remote
        }
        self.logins[key] = state
    }

    /// Judges the windows that end at or before `watermark` (all when nil).
    func close(before watermark: Int64?, in context: RuleContext) {
        let thresholds = context.thresholds
        let length = thresholds.consoleLoginSeconds
        let due = self.logins.filter { key, _ in watermark.map { (key.window + 1) * length <= $0 } ?? true }
        for (key, state) in due {
            self.logins.removeValue(forKey: key)
            let places = state.known.sorted() + state.networks.sorted().map { "network \($0)" }
            guard state.known.count >= thresholds.consoleLoginLocations || places.count >= thresholds.consoleLoginNetworks else { continue }
            let event = state.first
            context.add(
                Observation(
                    type: .unauthorizedAccessIAMUserConsoleLoginSuccessB, key: key.principal, time: event.eventTime, accountId: key.account,
                    region: event.awsRegion ?? context.defaultRegion,
                    resource: RuleContext.accessKeyResource(event),
                    resourceRole: "TARGET",
                    action: .api(
                        Finding.AwsApiCallAction(
                            api: "ConsoleLogin", callerType: "Remote IP", errorCode: nil, userAgent: event.userAgent,
                            remoteIp: state.remote.description,
                            serviceName: event.eventSource
                        )),
                    evidence: nil,
                    description: "\(key.principal) signed in to the AWS Management Console successfully from \(places.count) locations within "
                        + "\(length / 60) minutes: \(places.joined(separator: ", ")).",
                    weight: places.count
                ))
        }
    }
}
