/// One event owed to one webhook, leased from the event outbox.
struct PendingEvent: Sendable {
    var id: Int
    var eventId: String
    var webhookId: String
    var url: String
    /// The webhook's signing secret, sealed by `SecretBox`.
    var secret: [UInt8]?
    var body: String
    /// Failed attempts so far.
    var attempts: Int
}
