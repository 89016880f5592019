import AdminServer
import ArgumentParser
import Foundation
import Logging

extension GuardpostAdmin {
    /// `guardpost-admin s3 allow|list|remove`: which buckets each account may read lists from and write findings to
    /// with the server's S3 credentials.
    struct S3Grants: AsyncParsableCommand {
        /// Runs `body` with the grant store of the database `options` name.
        static func withGrants<T: Sendable>(_ options: DatabaseOptions, _ body: @escaping @Sendable (PostgresS3GrantStore) async throws -> T)
            async throws -> T
        {
            try await options.withDatabase { client, secrets, logger in
                try await body(PostgresStores(client: client, secrets: secrets, logger: logger).s3Grants)
            }
        }

        static let configuration = CommandConfiguration(
            commandName: "s3",
            abstract: "Grant accounts S3 buckets for list locations and publishing destinations (nothing is granted by default).",
            subcommands: [Allow.self, List.self, Remove.self]
        )

        struct Allow: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Let an account read lists from and write findings to a bucket.")
            @Option(name: .customLong("account-id"), help: "12-digit account id.") var accountId: String
            @Option(help: "Bucket name.") var bucket: String
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let (accountId, bucket) = (self.accountId, self.bucket)
                try await S3Grants.withGrants(self.database) { try await $0.allow(accountId: accountId, bucket: bucket) }
                try printJSON(S3BucketGrant(accountId: accountId, bucket: bucket))
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List grants (JSON).")
            @Option(name: .customLong("account-id"), help: "Only this account's grants.") var accountId: String?
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let accountId = self.accountId
                let grants = try await S3Grants.withGrants(self.database) { try await $0.list(accountId: accountId) }
                try printJSON(grants)
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Withdraw a grant (lists there go to ERROR at their next activation, exports stop).")
            @Option(name: .customLong("account-id"), help: "12-digit account id.") var accountId: String
            @Option(help: "Bucket name.") var bucket: String
            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let (accountId, bucket) = (self.accountId, self.bucket)
                try await S3Grants.withGrants(self.database) { try await $0.remove(accountId: accountId, bucket: bucket) }
            }
        }
    }

    /// `guardpost-admin routes`: the server's route table as JSON, for audits and the tenant-isolation tests.
    struct Routes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every route the server registers (JSON: method and path).")

        func run() async throws {
            var logger = Logger(label: "guardpost-admin")
            logger.logLevel = .critical
            try printJSON(serverRouteTable(logger: logger).map { ["method": $0.method, "path": $0.path] })
        }
    }
}
