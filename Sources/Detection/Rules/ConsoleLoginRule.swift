import GuardDutyModel
import ThreatLists

/// UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B: successful console logins of one principal from distant places
/// within `consoleLoginSeconds` of each other — `consoleLoginLocations` locations (the countries of the operator's
/// city/country database when one is given, else the location file's labels; see `Places`), or, for
/// addresses the file does not place, `consoleLoginNetworks` /16 (IPv6: /48) networks counted together with the known
/// locations. The windows slide: each starts at a login and spans the next `consoleLoginSeconds`, whatever the clock
/// hour, and a window is judged once the watermark has passed its end, so the findings do not depend on the order of the
/// records. Two logins from one city or network, a VPN flip within one country and a traveller's logins hours apart
/// are not it.
final class ConsoleLoginRule: CloudTrailRule {
    let findingTypes: [FindingType] = [.unauthorizedAccessIAMUserConsoleLoginSuccessB]

    /// The most logins buffered per principal (past it, the oldest windows are judged at once).
    static let capacity = 1_024

    /// One principal.
    struct Principal: Hashable {
        var account: String
        var name: String
    }

    /// A successful login and where it came from: a location of the file, else a network.
    struct Login {
        var time: Int64
        var remote: IPAddress
        var place: String
        var known: Bool
        var event: CloudTrailEvent
    }

    /// Each principal's logins not yet judged, sorted by time and address.
    var logins: [Principal: [Login]] = [:]

    var hasOpenWindows: Bool { !self.logins.isEmpty }

    func process(_ event: CloudTrailEvent, _ trail: CloudTrailContext, in context: RuleContext) {
        guard !trail.isS3Data, event.eventName == "ConsoleLogin", trail.succeeded, let remote = trail.remote, !remote.isPrivateOrBogon else { return }
        let principal = Principal(account: trail.account, name: event.identityArn ?? event.userName ?? event.principalId ?? "unknown principal")
        let login: Login
        if let location = context.intelligence.location(remote) {
            login = Login(time: event.eventTime, remote: remote, place: location, known: true, event: event)
        } else {
            let network = remote.isV6 ? IPNetwork(v6: remote.value, prefix: 48) : IPNetwork(v4: UInt32(truncatingIfNeeded: remote.value), prefix: 16)
            login = Login(time: event.eventTime, remote: remote, place: "network \(network)", known: false, event: event)
        }
        var list = self.logins[principal] ?? []
        let position = list.firstIndex { Self.precedes(login, $0) } ?? list.count
        list.insert(login, at: position)
        self.logins[principal] = list
        if list.count > Self.capacity, let newest = list.last?.time {
            self.judge(principal, before: newest - context.thresholds.consoleLoginSeconds, in: context)
        }
    }

    static func precedes(_ a: Login, _ b: Login) -> Bool {
        (a.time, a.remote.description) < (b.time, b.remote.description)
    }

    /// Judges the windows that end at or before `watermark` (all when nil).
    func close(before watermark: Int64?, in context: RuleContext) {
        for principal in self.logins.keys.sorted(by: { ($0.account, $0.name) < ($1.account, $1.name) }) {
            self.judge(principal, before: watermark, in: context)
        }
    }

    /// Judges one principal's windows that end at or before `watermark`, and forgets the logins no open window needs.
    func judge(_ principal: Principal, before watermark: Int64?, in context: RuleContext) {
        guard let list = self.logins[principal] else { return }
        let thresholds = context.thresholds
        let length = thresholds.consoleLoginSeconds
        let due = watermark.map { watermark in list.firstIndex { $0.time + length > watermark } ?? list.count } ?? list.count
        var start = 0
        var consumed = 0
        while start < due {
            var end = start
            var known: Set<String> = []
            var places: Set<String> = []
            while end < list.count, list[end].time <= list[start].time + length {
                // At most 64 places: the thresholds are far below, and a description stays bounded.
                if places.count < 64 {
                    places.insert(list[end].place)
                    if list[end].known { known.insert(list[end].place) }
                }
                end += 1
            }
            guard known.count >= thresholds.consoleLoginLocations || places.count >= thresholds.consoleLoginNetworks else {
                start += 1
                consumed = start
                continue
            }
            self.report(principal, list[start], places: places, known: known, in: context)
            start = end
            consumed = end
        }
        let remaining = Array(list[consumed...])
        self.logins[principal] = remaining.isEmpty ? nil : remaining
    }

    func report(_ principal: Principal, _ first: Login, places: Set<String>, known: Set<String>, in context: RuleContext) {
        let event = first.event
        let named = known.sorted() + places.subtracting(known).sorted()
        context.add(
            Observation(
                type: .unauthorizedAccessIAMUserConsoleLoginSuccessB, key: principal.name, time: first.time, accountId: principal.account,
                region: event.awsRegion ?? context.defaultRegion,
                resource: RuleContext.accessKeyResource(event),
                resourceRole: "TARGET",
                action: .api(
                    Finding.AwsApiCallAction(
                        api: "ConsoleLogin", callerType: "Remote IP", errorCode: nil, userAgent: event.userAgent, remoteIp: first.remote.description,
                        serviceName: event.eventSource
                    )),
                evidence: nil,
                description: "\(principal.name) signed in to the AWS Management Console successfully from \(named.count) locations within "
                    + "\(context.thresholds.consoleLoginSeconds / 60) minutes: \(named.joined(separator: ", ")).",
                weight: named.count
            ))
    }
}
