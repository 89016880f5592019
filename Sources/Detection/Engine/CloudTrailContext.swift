import GuardDutyModel
import ThreatLists

/// What the engine works out once per CloudTrail event for all CloudTrail rules: the account and region it belongs
/// to, the caller's address and what the address lists say of it. Handed to the rules next to the event (a copy of
/// the event in here would cost a retain and release of each of its strings per rule).
struct CloudTrailContext {
    let account: String
    let region: String
    let remote: IPAddress?
    /// What the address lists say of `remote` (nil: no address).
    let verdict: Intelligence.AddressVerdict?
    /// An S3 data event (object-level API): only the rules of S3 Protection read these.
    let isS3Data: Bool
    /// No error, and for a console login, a successful one.
    let succeeded: Bool
}
