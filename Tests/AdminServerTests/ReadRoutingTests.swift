import Foundation
import Logging
import PostgresNIO
import Testing

@testable import AdminServer

/// Which database a findings read goes to with `--read-database-url`, and how a multi-host URL is understood.
@Suite("Read replica routing")
struct ReadRoutingTests {
    static func routing() -> ReadRouting {
        let client = PostgresClient(
            configuration: .init(host: "127.0.0.1", port: 1, username: "none", password: nil, database: nil, tls: .disable),
            backgroundLogger: TestDatabase.logger)
        return ReadRouting(standby: client, logger: TestDatabase.logger)
    }

    @Test func aReadWaitsForItsOwnAccountsWritesOnly() {
        let reads = Self.routing()
        reads.observe(replayed: 100, error: nil)
        #expect(reads.standbyServes(account: "111111111111"))
        reads.wrote(.account("111111111111"), at: 150)
        #expect(!reads.standbyServes(account: "111111111111"), "its own write is not replayed yet: the primary")
        #expect(reads.standbyServes(account: "222222222222"), "another account's write does not hold it back")
        reads.observe(replayed: 150, error: nil)
        #expect(reads.standbyServes(account: "111111111111"))
    }

    @Test func writesOfUnknownCallersHoldBackEveryAccountAndAgentWritesNone() {
        let reads = Self.routing()
        reads.observe(replayed: 100, error: nil)
        reads.wrote(.untracked, at: 500)
        #expect(reads.standbyServes(account: "111111111111"))
        reads.wrote(.unknown, at: 200)
        #expect(!reads.standbyServes(account: "111111111111") && !reads.standbyServes(account: "222222222222"))
    }

    @Test func aWriteWhosePositionCouldNotBeReadHoldsBackOnlyUntilALaterPositionSettlesIt() {
        let reads = Self.routing()
        reads.observe(replayed: 100, error: nil)
        reads.wrote(.account("111111111111"), at: .max)
        reads.wrote(.unknown, at: .max)
        reads.observe(replayed: 1_000, error: nil)
        #expect(!reads.standbyServes(account: "111111111111") && !reads.standbyServes(account: "222222222222"))
        reads.settle(.account("111111111111"), at: 300)
        reads.settle(.unknown, at: 400)
        #expect(reads.standbyServes(account: "111111111111") && reads.standbyServes(account: "222222222222"))
        reads.settle(.unknown, at: 5)  // a known position is never lowered
        reads.wrote(.unknown, at: 2_000)
        reads.settle(.unknown, at: 5)
        #expect(!reads.standbyServes(account: "222222222222"))
    }

    @Test func aStandbyThatIsDownOrPromotedServesNothing() {
        let reads = Self.routing()
        #expect(!reads.standbyServes(account: "111111111111"), "nothing known yet")
        reads.observe(replayed: 100, error: nil)
        reads.observe(replayed: nil, error: nil)
        #expect(!reads.standbyServes(account: "111111111111"))
    }

    @Test func aMultiHostURLNamesEveryHostAndPointsOneHostAtTheForwarder() throws {
        let url = try #require(
            try MultiHostURL.parse("postgres://gp:s%40cret@db1:5433,db2/guardpost?target_session_attrs=read-write&sslmode=disable"))
        #expect(url.hosts == [DatabaseHost(host: "db1", port: 5433), DatabaseHost(host: "db2", port: 5432)])
        #expect(url.url(host: "127.0.0.1", port: 4000) == "postgres://gp:s%40cret@127.0.0.1:4000/guardpost?sslmode=disable")
        let configuration = try DatabaseLocation.configuration(url: url.url(host: "127.0.0.1", port: 4000))
        #expect(configuration.username == "gp" && configuration.password == "s@cret" && configuration.database == "guardpost")
        #expect(try MultiHostURL.parse("postgres://gp@db1:5433/guardpost") == nil)
        #expect(throws: MigrationError.self) { try MultiHostURL.parse("postgres://gp@db1,db2/g?target_session_attrs=read-only") }
        #expect(throws: MigrationError.self) { try MultiHostURL.parse("postgres://gp@db1:x,db2/g") }
    }
}
