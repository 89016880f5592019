import Logging
import Metrics
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceLifecycle

/// Sends the findings side's reads to a hot standby (`--read-database-url`) unless they must see a write the standby
/// has not replayed yet.
///
/// The rule: after a write transaction commits through this replica, the primary's WAL position
/// (`pg_current_wal_lsn()`, which is at or past the commit record) is remembered for the writer's account (or for
/// every account when the writer is unknown). A read for an account goes to the standby only when the standby's last
/// replayed position, polled every `pollInterval`, is at or past the account's remembered one; otherwise, and
/// whenever the standby does not answer or is not in recovery, it goes to the primary. The polled position only
/// lags the real one, so the check errs towards the primary, never towards a stale read of one's own write.
public final class ReadRouting: Service, Sendable {
    /// The standby's client (run by the application as one of its services).
    public let standby: PostgresClient
    let logger: Logger
    let pollInterval: Duration
    private let state = NIOLockedValueBox(State())
    private let standbyReads = Counter(label: "guardpost_read_replica_reads_total", dimensions: [("to", "standby")])
    private let primaryReads = Counter(label: "guardpost_read_replica_reads_total", dimensions: [("to", "primary")])
    private let unavailable = Counter(label: "guardpost_read_replica_unavailable_total")

    struct State {
        /// The standby's last replayed WAL position seen, or nil while it does not answer or is not a standby.
        var replayed: Int64?
        /// The WAL position every account's reads wait for (writes of unknown callers).
        var floor: Int64 = 0
        /// The WAL position each account's reads wait for.
        var accounts: [String: Int64] = [:]
        /// Whether the standby's unavailability was logged (once per outage).
        var loggedDown = false
    }

    public init(standby: PostgresClient, logger: Logger, pollInterval: Duration = .milliseconds(100)) {
        self.standby = standby
        self.logger = logger
        self.pollInterval = pollInterval
    }

    /// Whether a read for `account` may go to the standby now.
    func standbyServes(account: String) -> Bool {
        let serves = self.state.withLockedValue { state in
            guard let replayed = state.replayed else { return false }
            return replayed >= max(state.floor, state.accounts[account] ?? 0)
        }
        (serves ? self.standbyReads : self.primaryReads).increment()
        return serves
    }

    /// Remembers that reads for `scope` must wait until the standby has replayed `position`.
    func wrote(_ scope: WriterScope, at position: Int64) {
        self.state.withLockedValue { state in
            switch scope {
            case .untracked: break
            case .unknown: state.floor = max(state.floor, position)
            case .account(let account):
                state.accounts[account] = max(state.accounts[account] ?? 0, position)
                // Entries the standby has passed are no longer needed: keep the map as small as the accounts writing now.
                if state.accounts.count > 10_000, let replayed = state.replayed {
                    state.accounts = state.accounts.filter { $0.value > replayed }
                }
            }
        }
    }

    /// Replaces the unknown positions (`Int64.max`, a write whose position could not be read) of `scope` with a
    /// position read after them, so that a failed lookup does not keep the writer's reads off the standby for good.
    func settle(_ scope: WriterScope, at position: Int64) {
        self.state.withLockedValue { state in
            switch scope {
            case .untracked: break
            case .unknown: if state.floor == .max { state.floor = position }
            case .account(let account): if state.accounts[account] == .max { state.accounts[account] = position }
            }
        }
    }

    /// Records one poll of the standby: its replayed position, or nil (down, or promoted and no longer replaying).
    func observe(replayed: Int64?, error: (any Error)?) {
        let log: Bool? = self.state.withLockedValue { state in
            state.replayed = replayed
            if replayed == nil, !state.loggedDown {
                state.loggedDown = true
                return true
            }
            if replayed != nil, state.loggedDown {
                state.loggedDown = false
                return false
            }
            return nil
        }
        if replayed == nil { self.unavailable.increment() }
        switch log {
        case true?:
            self.logger.warning(
                "read replica unavailable: findings reads go to the primary until it answers again",
                metadata: ["reason": "\(error.map { String(describing: $0) } ?? "not in recovery")"])
        case false?:
            self.logger.info("read replica answers again: findings reads go to it")
        case nil: break
        }
    }

    /// Polls the standby until the application shuts down (its client runs as a service of its own).
    public func run() async throws {
        try await cancelWhenGracefulShutdown { await self.poll() }
    }

    /// Polls the standby's replayed WAL position until cancelled.
    func poll() async {
        while !Task.isCancelled {
            do {
                let rows = try await self.standby.query("SELECT (pg_last_wal_replay_lsn() - '0/0')::int8", logger: self.logger)
                var replayed: Int64?
                for try await (position) in rows.decode((Int64?).self) { replayed = position }
                self.observe(replayed: replayed, error: nil)
            } catch {
                self.observe(replayed: nil, error: error)
            }
            try? await Task.sleep(for: self.pollInterval)
        }
    }
}
