import AsyncHTTPClient
import Detection
import Foundation
import ServiceLifecycle

/// One `s3://bucket/prefix/` source of one data source: finds the log objects of the accounts and region it reads
/// (by listing, or from the notifications a queue hands it), and streams each new one through the pipeline.
///
/// Listing: the location folders (account × region or VPC) are found with delimiter listings every few minutes; every
/// poll interval each open day folder is listed after `S3SourceState.startAfter` — re-listing a trailing window,
/// because objects land out of key order — and a day closes (is never listed again) once it is over, its newest
/// object is older than the late window and a last full listing found nothing new.
final class S3LogSource {
    /// How the source reads.
    struct Options: Sendable {
        /// Seconds between listings.
        var pollSeconds: Double = 60
        /// How late an object may land after its neighbours and still be found by the trailing re-listing.
        var lateSeconds: Double = 3600
        /// The first day read (`YYYY/MM/DD`); nil: every day there is.
        var since: String?
        /// At most this many objects (and about this many compressed bytes) per poll, so checkpoints keep up.
        var maxObjectsPerPoll = 64
        var maxBytesPerPoll: Int64 = 256 << 20
        /// Objects are announced by a queue: no listing.
        var notified = false
    }

    /// Objects waiting beyond which no new listing is made until they are read.
    static let maxPending = 10_000

    /// Whose objects are read: one account (the agent's) or every account in the bucket.
    enum Accounts: Equatable {
        case only(String)
        case all
    }

    /// An object to read, with what its key says.
    struct Pending {
        var facts: AWSLogLayout.Facts
        var object: S3ObjectSummary
        var identity: String { "\(self.object.key)\u{0}\(self.object.etag)" }
    }

    let dataSource: DataSource
    let url: S3SourceURL
    let id: String
    let client: S3LogClient
    let layout: AWSLogLayout
    var accounts: Accounts?
    /// The region read (CloudTrail, flow logs); nil: every region.
    let region: String?
    let options: Options
    var state: S3SourceState
    private var locations: [String] = []
    private var locationsAt = -Double.infinity
    private var lastListAt = -Double.infinity
    private(set) var pending: [Pending] = []
    private var pendingIdentities: Set<String> = []
    private var newestListed: Double = 0
    /// What is wrong with the bucket (missing, forbidden, unreachable); nil once a listing works.
    private(set) var issue: String?
    /// The last objects skipped as corrupt.
    private(set) var corruptObjects: [String] = []
    private(set) var objectsRead = 0
    /// Failures in a row, and when the bucket is tried again.
    private var failures = 0
    private var retryAt = 0.0

    init(
        dataSource: DataSource, url: S3SourceURL, id: String, client: S3LogClient, accounts: Accounts?, region: String?, options: Options,
        state: S3SourceState
    ) {
        self.dataSource = dataSource
        self.url = url
        self.id = id
        self.client = client
        self.layout = AWSLogLayout(dataSource: dataSource)
        self.accounts = accounts
        self.region = region
        self.options = options
        self.state = state
    }

    /// Objects waiting, and how far (seconds of last-modified time) the oldest waiting one is behind the newest seen.
    var lag: (objects: Int, seconds: Double) {
        guard let oldest = self.pending.map(\.object.lastModified).min() else { return (0, 0) }
        return (self.pending.count, max(0, self.newestListed - oldest))
    }

    /// Whether an object with these facts is one this source reads (its accounts; its region, when paths name one; not
    /// before `since`, when listing).
    func reads(_ facts: AWSLogLayout.Facts) -> Bool {
        guard let accounts = self.accounts else { return false }
        if case .only(let account) = accounts, facts.account != account { return false }
        if self.layout.scopeIsRegion, let region = self.region, facts.scope != region { return false }
        // A day's folder before `since` is not listed; what a queue announces is new, whatever the day in its key.
        if !self.options.notified, let since = self.options.since, facts.day < since { return false }
        return true
    }

    /// An object a notification announced: queued unless read already or not this source's. Returns whether it is
    /// this source's (read already or queued).
    func announce(key: String, etag: String, size: Int64, now: Double) -> Bool {
        guard let facts = self.layout.facts(of: key, base: self.url.base), self.reads(facts) else { return false }
        let object = S3ObjectSummary(key: key, etag: etag, size: size, lastModified: now)
        self.enqueue(Pending(facts: facts, object: object))
        return true
    }

    /// Whether the object is no longer waiting (read, or skipped).
    func isSettled(key: String, etag: String) -> Bool { !self.pendingIdentities.contains("\(key)\u{0}\(etag)") }

    private func enqueue(_ item: Pending) {
        guard !self.state.wasRead(item.facts, key: item.object.key, etag: item.object.etag), !self.pendingIdentities.contains(item.identity) else {
            return
        }
        self.newestListed = max(self.newestListed, item.object.lastModified)
        self.pending.append(item)
        self.pendingIdentities.insert(item.identity)
    }

    // MARK: polling

    /// Lists when it is time, then reads waiting objects (within the per-poll budget) into the pipeline; `count`
    /// gets each object's yield and the bytes analysed. Problems with the bucket become the source's issue.
    func poll(now: Double, pipeline: LogPipeline, count: (LogPipeline.Yield, Int) -> Void, progress: () -> Void) async {
        // After a failure the bucket is left alone a while (5 s, doubling up to the listing interval or 10 s), not hammered
        // every poll.
        guard self.accounts != nil, now >= self.retryAt else { return }
        // Far behind (a backfill), listing again would only find what waits already: read first.
        if !self.options.notified, now - self.lastListAt >= self.options.pollSeconds, self.pending.count < Self.maxPending {
            self.lastListAt = now
            do {
                try await self.discover(now: now)
                self.succeeded()
            } catch {
                self.failed(error, now: now)
            }
            progress()
        }
        self.pending.sort { ($0.facts.day, $0.object.key) < ($1.facts.day, $1.object.key) }
        var objects = 0
        var bytes: Int64 = 0
        // The next object's GET goes out while this one is analysed (the store and the agent work at once).
        var ahead: (identity: String, task: Task<HTTPClientResponse, any Error>)?
        defer { ahead?.task.cancel() }
        // A shutdown waits for the object being read, not for the rest of the poll's budget.
        while let next = self.pending.first, objects < self.options.maxObjectsPerPoll, bytes < self.options.maxBytesPerPoll, !Task.isCancelled,
            !Task.isShuttingDownGracefully
        {
            do {
                let sent = ahead?.identity == next.identity ? ahead?.task : nil
                if sent == nil { ahead?.task.cancel() }
                ahead = nil
                if self.pending.count > 1, objects + 1 < self.options.maxObjectsPerPoll {
                    let following = self.pending[1]
                    ahead = (following.identity, self.client.sendAhead(bucket: self.url.bucket, key: following.object.key))
                }
                let (yield, analysed) = try await S3ObjectReader.read(
                    next.object, bucket: self.url.bucket, as: self.dataSource, client: self.client, sentAhead: sent, into: pipeline)
                count(yield, analysed)
                self.objectsRead += 1
                self.succeeded()
            } catch let error as LogInputError {
                // Corrupt: counted as a malformed record, named, never read again.
                count(LogPipeline.Yield(records: 0, malformed: 1, newest: 0), Int(next.object.size))
                self.corruptObjects = Array((self.corruptObjects + ["\(error)"]).suffix(3))
            } catch let error as S3RequestError where error.code == "NoSuchKey" || error.status == 412 {
                // Deleted or replaced since it was listed: a replacement is listed (or announced) again.
                _ = error
            } catch {
                // Left waiting (a missing bucket, a refusal, the network): read again once the bucket is back.
                self.failed(error, now: now)
                return
            }
            self.state.markRead(next.facts, object: next.object, now: now)
            self.pending.removeFirst()
            self.pendingIdentities.remove(next.identity)
            objects += 1
            bytes += next.object.size
            progress()
        }
    }

    private func succeeded() {
        self.issue = nil
        self.failures = 0
        self.retryAt = 0
    }

    private func failed(_ error: any Error, now: Double) {
        self.issue = "\(self.url): \(error)"
        self.failures += 1
        self.retryAt = now + min(max(self.options.pollSeconds, 10), 5 * pow(2, Double(min(self.failures, 10) - 1)))
    }

    /// Finds the locations (now and then), then lists their open days.
    private func discover(now: Double) async throws {
        // New accounts, regions and VPCs are looked for every five listings (every 5 minutes by default).
        if now - self.locationsAt >= max(5, self.options.pollSeconds * 5) || self.locations.isEmpty {
            self.locations = try await self.findLocations()
            self.locationsAt = now
        }
        for location in self.locations {
            for day in try await self.openDays(location) {
                try await self.list(day: day.day, prefix: day.prefix, location: location, now: now)
            }
        }
    }

    /// The account × region (or VPC) folders this source reads, found by delimiter listings.
    private func findLocations() async throws -> [String] {
        let bucket = self.url.bucket
        var accountFolders: [String] = []
        for folder in try await self.client.listAll(bucket: bucket, prefix: self.url.base, delimiter: "/").prefixes {
            let name = AWSLogLayout.lastFolder(folder)
            if name.hasPrefix("o-") {
                for nested in try await self.client.listAll(bucket: bucket, prefix: folder, delimiter: "/").prefixes
                where self.wanted(account: AWSLogLayout.lastFolder(nested)) {
                    accountFolders.append(nested)
                }
            } else if self.wanted(account: name) {
                accountFolders.append(folder)
            }
        }
        var locations: [String] = []
        for account in accountFolders {
            for service in try await self.client.listAll(bucket: bucket, prefix: account, delimiter: "/").prefixes
            where AWSLogLayout.value(AWSLogLayout.lastFolder(service)) == self.layout.service {
                for scope in try await self.client.listAll(bucket: bucket, prefix: service, delimiter: "/").prefixes {
                    let value = AWSLogLayout.value(AWSLogLayout.lastFolder(scope))
                    if self.layout.scopeIsRegion, let region = self.region, value != region { continue }
                    locations.append(scope)
                }
            }
        }
        return locations.sorted()
    }

    private func wanted(account folder: String) -> Bool {
        guard let account = AWSLogLayout.account(folder), let accounts = self.accounts else { return false }
        if case .only(let own) = accounts { return account == own }
        return true
    }

    /// The day folders of a location that are not closed and not before `since`, by year, month and day listings.
    private func openDays(_ location: String) async throws -> [(day: String, prefix: String)] {
        let bucket = self.url.bucket
        let known = self.state.locations[location] ?? S3SourceState.Location()
        let floor = max(self.options.since ?? "", known.closedThrough ?? "")
        var days: [(day: String, prefix: String)] = []
        for yearFolder in try await self.client.listAll(bucket: bucket, prefix: location, delimiter: "/").prefixes {
            guard let year = AWSLogLayout.number(AWSLogLayout.lastFolder(yearFolder), digits: 4), year >= floor.prefix(4) else { continue }
            for monthFolder in try await self.client.listAll(bucket: bucket, prefix: yearFolder, delimiter: "/").prefixes {
                guard let month = AWSLogLayout.number(AWSLogLayout.lastFolder(monthFolder), digits: 2), "\(year)/\(month)" >= floor.prefix(7) else {
                    continue
                }
                for dayFolder in try await self.client.listAll(bucket: bucket, prefix: monthFolder, delimiter: "/").prefixes {
                    guard let day = AWSLogLayout.number(AWSLogLayout.lastFolder(dayFolder), digits: 2) else { continue }
                    let name = "\(year)/\(month)/\(day)"
                    if let since = self.options.since, name < since { continue }
                    if known.isClosed(name) { continue }
                    days.append((name, dayFolder))
                }
            }
        }
        return days
    }

    /// Lists one open day after its settled keys; queues what is new; closes the day when it is over.
    private func list(day: String, prefix: String, location: String, now: Double) async throws {
        let known = self.state.locations[location]?.days[day] ?? S3SourceState.Day(prefix: prefix)
        let end = Self.endOfDay(day)
        let closing = now > max(end, known.newestModified) + self.options.lateSeconds
        let firstPending = self.pending.filter { $0.facts.location == location && $0.facts.day == day }.map(\.object.key).min()
        let startAfter = closing ? nil : S3SourceState.startAfter(known, now: now, late: self.options.lateSeconds, pending: firstPending)
        let listing = try await self.client.listAll(bucket: self.url.bucket, prefix: prefix, startAfter: startAfter)
        var found = false
        var newest = known.newestModified
        for object in listing.objects {
            guard let facts = self.layout.facts(of: object.key, base: self.url.base), facts.location == location, self.reads(facts) else { continue }
            newest = max(newest, object.lastModified)
            guard !self.state.wasRead(facts, key: object.key, etag: object.etag) else { continue }
            found = true
            self.enqueue(Pending(facts: facts, object: object))
        }
        guard closing, !found, firstPending == nil, listing.nextToken == nil, now > max(end, newest) + self.options.lateSeconds else { return }
        if self.state.locations[location] == nil { self.state.locations[location] = S3SourceState.Location() }
        self.state.close(day, in: location)
    }

    /// The end of a `YYYY/MM/DD` day (UTC), in seconds since 1970.
    static func endOfDay(_ day: String) -> Double {
        let parts = day.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 3 else { return 0 }
        var components = DateComponents()
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2] + 1)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)?.timeIntervalSince1970 ?? 0
    }
}
