import GuardDutyModel
import ThreatLists

/// One CloudTrail event as the CloudTrail rules read it, with the per-event work they share done once: the account
/// and region it belongs to, the caller's address and what the address lists say of it.
struct CloudTrailContext {
    let event: CloudTrailEvent
    let account: String
    let region: String
    let remote: IPAddress?
    /// What the address lists say of `remote` (nil: no address).
    let verdict: Intelligence.AddressVerdict?
    /// An S3 data event (object-level API): only the rules of S3 Protection read these.
    let isS3Data: Bool

    /// No error, and for a console login, a successful one.
    var succeeded: Bool {
        self.event.errorCode == nil && (self.event.eventName != "ConsoleLogin" || self.event.consoleLoginResult == "Success")
    }

    /// The caller as a description names it.
    func who(otherwise fallback: String = "unknown principal") -> String {
        self.event.userName ?? self.event.identityArn ?? self.event.principalId ?? fallback
    }

    /// A reconnaissance API (Get…, List…, Describe…).
    var isRecon: Bool { ["Get", "List", "Describe"].contains { self.event.eventName.hasPrefix($0) } }
}
