/// The organisation's accounts and their access keys.
public protocol AccountStore: Sendable {
    /// Creates the account with a first access key, and applies organisation auto-enable (NEW/ALL) to it.
    func createAccount(accountId: String, email: String, name: String?, organizationManagement: Bool) async throws -> IssuedAccessKey
    func createAccessKey(accountId: String) async throws -> IssuedAccessKey
    func revokeAccessKey(accessKeyId: String) async throws
    func listAccounts() async throws -> [AccountSummary]
    /// The key with its decrypted secret, or nil when there is no such key.
    func accessKey(id: String) async throws -> AccessKeyRecord?
}
