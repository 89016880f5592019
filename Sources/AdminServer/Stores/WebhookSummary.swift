/// A webhook destination as `guardpost-admin webhooks list` shows it.
public struct WebhookSummary: Codable, Sendable, Equatable {
    public var webhookId: String
    public var accountId: String
    public var url: String
    public var signed: Bool
    public var pending: Int
    public var delivered: Int
    public var failedAttempts: Int
    public var lastError: String?
}
