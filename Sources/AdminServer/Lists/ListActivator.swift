import AsyncHTTPClient
import Crypto
import Foundation
import GuardDutyModel
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import SigV4
import ThreatLists

/// Works off list activations in the background: fetch the location, parse it in the list's format, check the
/// limits, and store the normalised content with its SHA-256 — or put the list in ERROR with details that say
/// what was wrong (which lines, which limit, which fetch failure) and never what the file or the far side said.
/// Several workers (and replicas) share the queue, one activation at a time per account, so one account's slow
/// feed cannot hold another's lists.
public struct ListActivator: Service {
    let store: any ListStore
    let fetcher: ListFetcher
    let client: HTTPClient
    let wakeups: AsyncStream<Void>
    let logger: Logger
    let workers: Int

    public init(store: any ListStore, fetcher: ListFetcher, client: HTTPClient, wakeups: AsyncStream<Void>, logger: Logger, workers: Int = 4) {
        self.store = store
        self.fetcher = fetcher
        self.client = client
        self.wakeups = wakeups
        self.logger = logger
        self.workers = max(1, workers)
    }

    /// How long a claimed activation is leased: the fetch deadline and the parse budget, with room to store it.
    var leaseSeconds: Int {
        Int(self.fetcher.limits.deadline.components.seconds) + Int(ListActivator.parseBudget.components.seconds) + 30
    }

    /// The time one list file may take to parse.
    public static let parseBudget: Duration = ListParser.defaultTimeBudget

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            // Poll at least every second (other replicas' requests, expired leases); wake at once on a local request.
            let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            group.addTask {
                for await _ in self.wakeups { tick.yield() }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    tick.yield()
                }
            }
            // Each tick wakes every worker; a worker drains the queue until it finds nothing it may take.
            var continuations: [AsyncStream<Void>.Continuation] = []
            var streams: [AsyncStream<Void>] = []
            for _ in 0..<self.workers {
                let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                streams.append(stream)
                continuations.append(continuation)
            }
            group.addTask { [continuations] in
                for await _ in ticks {
                    for continuation in continuations { continuation.yield() }
                }
                for continuation in continuations { continuation.finish() }
            }
            for stream in streams {
                group.addTask {
                    await cancelWhenGracefulShutdown {
                        for await _ in stream {
                            await self.drain()
                        }
                    }
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
            tick.finish()
            for continuation in continuations { continuation.finish() }
        }
        try? await self.client.shutdown()
    }

    /// Activates until no activation is pending.
    func drain() async {
        while !Task.isCancelled {
            do {
                guard let job = try await self.store.claimActivation(leaseSeconds: self.leaseSeconds) else { return }
                let outcome = await self.activate(job)
                try await self.finish(job, outcome)
                self.logger.info("list activation finished", metadata: ["listId": "\(job.listId)", "outcome": "\(Self.summary(outcome))"])
            } catch {
                self.logger.error("list activation failed", metadata: ["error": "\(String(reflecting: error))"])
                return
            }
        }
    }

    /// Records the outcome; a transaction that lost to a concurrent change (a deadlock, a serialization failure) is
    /// tried again at once, up to three times, rather than leaving the list to wait out its lease.
    func finish(_ job: ListActivationJob, _ outcome: ListActivationOutcome) async throws {
        var attempt = 1
        while true {
            do {
                return try await self.store.finishActivation(job, outcome: outcome)
            } catch StoreError.conflict(let message) where attempt < 3 {
                attempt += 1
                self.logger.warning("list activation conflicted; trying again", metadata: ["listId": "\(job.listId)", "reason": "\(message)"])
            }
        }
    }

    static func summary(_ outcome: ListActivationOutcome) -> String {
        switch outcome {
        case .content(_, let sha, let count, let malformed, _): return "ACTIVE \(count) entries, \(malformed) malformed, sha256 \(sha.prefix(12))"
        case .failed(let message): return "ERROR \(message)"
        }
    }

    /// The most `{` a STIX 2.x file may hold (a 250,000-indicator bundle has about two per indicator).
    static let maxJSONObjects = 1_000_000
    /// One STIX 2.x (JSON) parse at a time per server.
    static let jsonParses = NIOLock()

    static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    /// Claims of one activation before it is given up (a claim that never finished means its server stopped).
    static let maxAttempts = 3

    func activate(_ job: ListActivationJob) async -> ListActivationOutcome {
        guard job.attempt <= Self.maxAttempts else {
            return .failed(
                "the activation was started \(Self.maxAttempts) times without finishing (the server stopped while fetching or parsing the list)")
        }
        let bytes: [UInt8]
        do {
            // The grant is checked again: the operator may have removed it since the list was created.
            if let (bucket, key) = S3Location.parse(job.location) {
                if let problem = S3Location.problem(bucket: bucket, key: key) { return .failed(problem) }
                guard try await self.store.s3BucketGranted(account: job.accountId, bucket: bucket) else {
                    return .failed(
                        "account \(job.accountId) may not read S3 bucket \(bucket): the operator grants buckets with 'guardpost-admin s3 allow'")
                }
            }
            bytes = try await self.fetcher.fetch(job.location, expectedBucketOwner: job.expectedBucketOwner)
        } catch {
            return .failed("\(error)")
        }
        // Parsing is CPU work: it runs off the server's cooperative threads so that requests keep being answered.
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.outcome(parsing: bytes, job: job))
            }
        }
    }

    /// Parses fetched bytes and applies the entry limit; a file with no usable entry is an error.
    public static func outcome(parsing bytes: [UInt8], job: ListActivationJob) -> ListActivationOutcome {
        let parse = {
            ListParser.parse(
                bytes, format: job.format, content: job.kind.holdsDomains ? .addressesAndDomains : .addresses, timeBudget: Self.parseBudget)
        }
        let parsed: ParsedList
        if job.format == .stix, Self.looksLikeJSON(bytes) {
            // STIX 2.x is read through Foundation's JSONSerialization, whose objects cost far more memory than the
            // file: the number of JSON objects is bounded, and one such parse runs at a time on the server.
            let objects = bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "{") ? 1 : 0) }
            guard objects <= Self.maxJSONObjects else {
                return .failed("the STIX file has \(objects) JSON objects; at most \(Self.maxJSONObjects) are read")
            }
            parsed = Self.jsonParses.withLock(parse)
        } else {
            parsed = parse()
        }
        if let failure = parsed.failure {
            return .failed(failure)
        }
        // Line numbers only: the file's bytes never leave the server (errorDetails are seen by members too).
        let lines = parsed.malformedExamples.prefix(5).map { String($0.line) }.joined(separator: ", ")
        let examples = parsed.malformedExamples.isEmpty ? "" : (parsed.malformedExamples.count == 1 ? "line " : "lines ") + lines
        guard parsed.entryCount <= job.kind.maxEntries else {
            return .failed(
                "the list has \(parsed.entryCount) entries; a \(job.kind.displayName) may have at most \(job.kind.maxEntries)"
            )
        }
        guard parsed.entryCount > 0 else {
            if parsed.malformedCount > 0 {
                return .failed("no usable entry in the \(job.format.rawValue) file: \(parsed.malformedCount) malformed (\(examples))")
            }
            return .failed("no usable entry in the \(job.format.rawValue) file (\(parsed.ignoredCount) entries of other kinds ignored)")
        }
        let body = parsed.canonicalText
        let sha256 = SigV4Encoding.sha256Hex(Array(body.utf8))
        let details = parsed.malformedCount > 0 ? "\(parsed.malformedCount) malformed entries skipped (\(examples))" : nil
        return .content(body: body, sha256: sha256, entryCount: parsed.entryCount, malformedCount: parsed.malformedCount, details: details)
    }
}
