/// A signed-in console user: the account and region it acts as, and the token every change must carry.
public struct ConsoleSession: Sendable, Equatable {
    public var accountId: String
    public var region: String
    public var csrfToken: String
    public var caller: Caller { Caller(accountId: self.accountId, region: self.region) }
}
