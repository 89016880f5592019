import AdminServer
import ArgumentParser
import Foundation

extension GuardpostAdmin {
    /// `guardpost-admin webhooks add|list|remove`: where an account's finding events are POSTed.
    struct Webhooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage webhook destinations of finding events (EventBridge's envelope, HMAC-SHA256 signed when a secret is set).",
            subcommands: [Add.self, List.self, Remove.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a webhook for an account; prints {\"webhookId\"}.")
            @Option(name: .customLong("account-id"), help: "The account whose finding events (and its members', for an administrator) are sent.")
            var accountId: String
            @Option(help: "http(s) URL that receives a POST per event.") var url: String
            @Option(help: "Secret for the X-Guardpost-Signature header (sha256=HMAC of the body).") var secret: String?
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let (accountId, url, secret) = (self.accountId, self.url, self.secret)
                let id = try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).webhooks.add(
                        accountId: accountId, url: url, secret: secret)
                }
                try printJSON(["webhookId": id])
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List webhooks with pending, delivered and failed counts (JSON).")
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let hooks = try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).webhooks.list()
                }
                try printJSON(hooks)
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a webhook (its undelivered events go with it).")
            @Option(name: .customLong("webhook-id"), help: "The id `add` printed.") var webhookId: String
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let id = self.webhookId
                try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).webhooks.remove(webhookId: id)
                }
                try printJSON(["removed": id])
            }
        }
    }
}
