import Foundation
import ThreatLists

/// A managed intelligence feed as `guardpost-admin intel list` shows it: where it comes from, what a hit means, the
/// source's terms, and the state of its content (never fetched and why, in force, or a previous version kept and why).
public struct IntelFeedSummary: Codable, Sendable, Equatable {
    public var name: String
    public var kind: String
    public var format: String
    /// nil: an imported feed, never fetched.
    public var url: String?
    public var refreshMinutes: Int
    public var terms: String
    /// `ACTIVE` (content in force, last check fine), `STALE` (content in force, the last attempt kept it: see
    /// `lastError`), `NEVER_FETCHED` (no content yet: see `lastError`).
    public var state: String
    /// One sentence: "never fetched: …", "in force: N entries …", "previous version kept: …".
    public var status: String
    public var entries: Int
    public var malformedLines: Int
    public var sha256: String?
    public var updatedAt: String?
    public var checkedAt: String?
    public var lastError: String?
    /// The GuardDuty finding types a hit raises.
    public var findingTypes: [String]
}
