/// What an S3 source remembers across restarts (in the checkpoint): per location, the days still open and the objects
/// read in each (key → ETag), and the days closed. An object is recorded only once its records were analysed and the
/// findings they gave are in the outbox, so a restart neither skips nor repeats one.
struct S3SourceState: Codable, Equatable {
    var locations: [String: Location] = [:]

    /// One account's and region's (or VPC's) folder.
    struct Location: Codable, Equatable {
        /// Every day up to this one (`YYYY/MM/DD`) is closed: never listed again.
        var closedThrough: String?
        /// Days closed after `closedThrough` while an earlier one is still open.
        var closed: [String] = []
        /// Open days by `YYYY/MM/DD`.
        var days: [String: Day] = [:]

        func isClosed(_ day: String) -> Bool { (self.closedThrough.map { day <= $0 } ?? false) || self.closed.contains(day) }
    }

    /// One open day folder.
    struct Day: Codable, Equatable {
        var prefix: String
        /// Objects read: key → (ETag, when the agent first saw it, seconds since 1970).
        var seen: [String: Seen] = [:]
        /// The newest object's last-modified time.
        var newestModified: Double = 0
    }

    /// An object read.
    struct Seen: Codable, Equatable {
        var etag: String
        var firstSeen: Double
    }

    /// Whether the object (by key and ETag) was read already.
    func wasRead(_ facts: AWSLogLayout.Facts, key: String, etag: String) -> Bool {
        guard let location = self.locations[facts.location] else { return false }
        if location.isClosed(facts.day) { return true }
        return location.days[facts.day]?.seen[key]?.etag == etag
    }

    mutating func markRead(_ facts: AWSLogLayout.Facts, object: S3ObjectSummary, now: Double) {
        var location = self.locations[facts.location] ?? Location()
        var day = location.days[facts.day] ?? Day(prefix: facts.dayPrefix)
        day.seen[object.key] = Seen(etag: object.etag, firstSeen: now)
        day.newestModified = max(day.newestModified, object.lastModified)
        location.days[facts.day] = day
        self.locations[facts.location] = location
    }

    /// Where a day's listing may start: after the longest run of keys (in key order) all seen more than `late`
    /// seconds ago, and before any key still to be read. Objects that land later than that with a smaller key are
    /// found by the day's final full listing before it closes.
    static func startAfter(_ day: Day, now: Double, late: Double, pending: String?) -> String? {
        var settled: String?
        for key in day.seen.keys.sorted() {
            guard let seen = day.seen[key], seen.firstSeen < now - late else { break }
            if let pending, key >= pending { break }
            settled = key
        }
        return settled
    }

    /// Closes `day` of `location` (its objects forgotten) and moves `closedThrough` over every closed day that no
    /// open day precedes.
    mutating func close(_ day: String, in locationKey: String) {
        guard var location = self.locations[locationKey] else { return }
        location.days.removeValue(forKey: day)
        location.closed.append(day)
        location.closed.sort()
        let firstOpen = location.days.keys.min()
        while let next = location.closed.first, firstOpen.map({ next < $0 }) ?? true {
            location.closedThrough = max(location.closedThrough ?? next, next)
            location.closed.removeFirst()
        }
        self.locations[locationKey] = location
    }
}
