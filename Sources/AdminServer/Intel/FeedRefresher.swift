import Foundation
import Logging
import ServiceLifecycle
import SigV4
import ThreatLists

/// Fetches the managed intelligence feeds: on their schedule in the server (a service), or at once for
/// `guardpost-admin intel refresh`. Each fetch is a conditional GET (If-None-Match / If-Modified-Since) through the
/// guarded fetcher (public addresses unless allowed, size cap, deadline, minimum rate); the new version is parsed and
/// judged (`FeedJudgement`) before it replaces the one in force, and a feed that cannot be fetched or parsed keeps
/// its previous version with the reason recorded. Nothing a feed sent is ever echoed back.
public struct FeedRefresher: Service {
    let store: PostgresIntelFeedStore
    let http: GuardedHTTP
    let limits: FetchLimits
    let logger: Logger
    /// How often the schedule is looked at (a cheap indexed query): a feed just added is fetched within seconds.
    var interval: Duration = .seconds(5)
    /// Whether the server is ready (its migrations applied): the schedule waits for it.
    var isReady: @Sendable () -> Bool = { true }

    /// Feeds are bounded like list files (35 MB).
    public static let maxBytes = 35 * 1024 * 1024

    public init(store: PostgresIntelFeedStore, http: GuardedHTTP, limits: FetchLimits, logger: Logger) {
        self.store = store
        self.http = http
        self.limits = limits
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled && !self.isReady() { try? await Task.sleep(for: .milliseconds(200)) }
            while !Task.isCancelled {
                do {
                    for (name, outcome) in try await self.refresh() {
                        self.logger.info("intelligence feed checked", metadata: ["feed": "\(name)", "outcome": "\(outcome)"])
                    }
                } catch {
                    self.logger.warning("intelligence feed schedule failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Fetches the feeds due (or the named ones, due or not, when `force`), one after another; what each came to.
    public func refresh(names: [String]? = nil, force: Bool = false, allowShrink: Bool = false) async throws -> [(String, String)] {
        let lease = Int(self.limits.deadline.components.seconds) + Int(ListParser.defaultTimeBudget.components.seconds) + 30
        var results: [(String, String)] = []
        let jobs = try await self.store.claim(names: names, force: force, leaseSeconds: lease)
        for job in jobs {
            let outcome = await self.fetch(job, allowShrink: allowShrink)
            try await self.store.finish(job, outcome)
            results.append((job.name, Self.describe(outcome, previous: job.previousSHA256 != nil)))
        }
        // A named feed another refresh (or the server's schedule) holds: wait for it to finish, then say where it stands.
        var pending = (names ?? []).filter { name in !jobs.contains { $0.name == name } }
        let deadline = ContinuousClock.now + .seconds(lease)
        while !pending.isEmpty, ContinuousClock.now < deadline, !Task.isCancelled {
            var still: [String] = []
            for name in pending where try await self.store.isBeingFetched(name: name) { still.append(name) }
            pending = still
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
        }
        let unclaimed = (names ?? []).filter { name in !jobs.contains { $0.name == name } }
        let summaries = unclaimed.isEmpty ? [] : try await self.store.list()
        for name in unclaimed {
            guard let summary = summaries.first(where: { $0.name == name }) else { continue }
            if summary.url == nil {
                results.append((name, "not fetched: it has no URL (imported)"))
            } else if pending.contains(name) {
                results.append((name, "not fetched now: another refresh is still fetching it"))
            } else {
                results.append((name, "\(summary.status) (fetched by another refresh at the same time)"))
            }
        }
        return results
    }

    /// One feed's fetch, parse and judgement.
    func fetch(_ job: IntelFeedJob, allowShrink: Bool) async -> IntelFeedOutcome {
        var headers: [(String, String)] = []
        // Validators only while the version they describe is in force.
        if job.previousSHA256 != nil {
            if let etag = job.etag { headers.append(("If-None-Match", etag)) }
            if let lastModified = job.lastModified { headers.append(("If-Modified-Since", lastModified)) }
        }
        let answer: GuardedHTTP.Answer
        do {
            answer = try await self.http.fetch(job.url, headers: headers, limits: self.limits)
        } catch {
            return .kept("the fetch failed: \(error)")
        }
        if answer.notModified { return .notModified }
        return Self.version(
            answer.body, format: job.format, previousCount: job.previousCount, allowShrink: allowShrink, etag: answer.etag,
            lastModified: answer.lastModified)
    }

    /// Parses a version and judges it against the one in force (`previousCount` entries): the content to put in force
    /// (normalised once, with its hash and counts), or why the version in force stays.
    public static func version(
        _ bytes: [UInt8], format: FeedFormat, previousCount: Int?, allowShrink: Bool, etag: String? = nil, lastModified: String? = nil
    ) -> IntelFeedOutcome {
        let parsed = FeedParser.parse(bytes, format: format)
        if case .keepPrevious(let reason) = FeedJudgement.judge(parsed, previousCount: previousCount, allowShrink: allowShrink) {
            return .kept(reason)
        }
        let body = parsed.canonicalText
        return .content(
            body: body, sha256: SigV4Encoding.sha256Hex(Array(body.utf8)), entryCount: parsed.entryCount, malformedCount: parsed.malformedCount,
            ignoredCount: parsed.ignoredCount, etag: etag, lastModified: lastModified)
    }

    static func describe(_ outcome: IntelFeedOutcome, previous: Bool) -> String {
        switch outcome {
        case .notModified: "not modified (the version in force is current)"
        case .content(_, let sha256, let entryCount, let malformedCount, let ignoredCount, _, _):
            "in force: \(entryCount) entries (\(malformedCount) malformed lines skipped"
                + (ignoredCount > 0 ? ", \(ignoredCount) public suffixes left out" : "")
                + "), sha256 \(sha256)"
        case .kept(let reason): previous ? "previous version kept: \(reason)" : "not fetched: \(reason)"
        }
    }
}
