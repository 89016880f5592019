/// The audit IDs of the Kubernetes requests judged most recently, so that a request is judged once: at its
/// ResponseStarted stage and not again at ResponseComplete, and not again when the same lines are read a second
/// time (a rotated log compressed into a new `.gz`, logrotate's copytruncate). Bounded: the oldest of `capacity`
/// IDs is forgotten first; IDs are kept as 64-bit hashes (a collision skips one request, at odds of about n²/2⁶⁵).
struct RecentAuditIDs {
    let capacity: Int
    private var seen: Set<UInt64> = []
    private var order: [UInt64] = []
    private var next = 0

    init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    /// Records `id`; false when it was already among the recent ones.
    mutating func insert(_ id: String) -> Bool {
        var hasher = Hasher()
        hasher.combine(id)
        let hash = UInt64(bitPattern: Int64(hasher.finalize()))
        guard self.seen.insert(hash).inserted else { return false }
        if self.order.count < self.capacity {
            self.order.append(hash)
        } else {
            self.seen.remove(self.order[self.next])
            self.order[self.next] = hash
            self.next = (self.next + 1) % self.capacity
        }
        return true
    }
}
