import AdminServer
import ArgumentParser
import Foundation

/// JSON on stdout, one object or array, for scripts.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

extension GuardpostAdmin {
    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the organisation's accounts and their access keys.",
            subcommands: [Create.self, List.self, CreateKey.self, RevokeKey.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create an account with a first access key; prints {\"accountId\", \"accessKeyId\", \"secretAccessKey\"}."
            )
            @Option(name: .customLong("account-id"), help: "12-digit account id.") var accountId: String
            @Option(help: "The account's email address.") var email: String
            @Option(help: "A display name.") var name: String?
            @Flag(name: .customLong("organization-management"), help: "This is the organisation's management account (one per organisation).")
            var organizationManagement = false
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let (accountId, email, name, management) = (self.accountId, self.email, self.name, self.organizationManagement)
                let key = try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).accounts.createAccount(
                        accountId: accountId, email: email, name: name, organizationManagement: management
                    )
                }
                try printJSON(key)
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List accounts with their active access key ids (JSON).")
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let accounts = try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).accounts.listAccounts()
                }
                try printJSON(accounts)
            }
        }

        struct CreateKey: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "create-key", abstract: "Issue another access key for an account.")
            @Option(name: .customLong("account-id"), help: "12-digit account id.") var accountId: String
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let accountId = self.accountId
                let key = try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).accounts.createAccessKey(accountId: accountId)
                }
                try printJSON(key)
            }
        }

        struct RevokeKey: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "revoke-key", abstract: "Revoke an access key; running servers refuse it at once.")
            @Option(name: .customLong("access-key-id"), help: "The key to revoke.") var accessKeyId: String
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let id = self.accessKeyId
                try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).accounts.revokeAccessKey(accessKeyId: id)
                }
                print("revoked \(id)")
            }
        }
    }

    struct Regions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, enable or disable the regions the server serves.",
            subcommands: [List.self, Enable.self, Disable.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List regions (JSON).")
            @OptionGroup var database: DatabaseOptions
            func run() async throws {
                let regions = try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).regions.listRegions()
                }
                try printJSON(regions)
            }
        }

        struct Enable: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Serve a region (adds it when new).")
            @Argument(help: "Region name, e.g. ap-south-1.") var name: String
            @OptionGroup var database: DatabaseOptions
            func run() async throws {
                let name = self.name
                try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).regions.setRegion(name, enabled: true)
                }
                print("enabled \(name)")
            }
        }

        struct Disable: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Stop serving a region; calls signed for it are refused.")
            @Argument(help: "Region name.") var name: String
            @OptionGroup var database: DatabaseOptions
            func run() async throws {
                let name = self.name
                try await self.database.withDatabase { client, secrets, logger in
                    try await PostgresStores(client: client, secrets: secrets, logger: logger).regions.setRegion(name, enabled: false)
                }
                print("disabled \(name)")
            }
        }
    }
}
