import GuardDutyModel
import ThreatLists

/// Groups the connections of a window for the window rules: counting 64-bit group fingerprints finds the groups big
/// enough to matter, and only those are grouped exactly (sorted and run through). Its scratch tables are kept between
/// windows so that they are not allocated (and their pages faulted in) for every window.
final class ConnectionGrouping {
    var keys: [UInt64] = []
    var counts: [Int] = []
    var slots: [Int32] = []

    /// Runs of equal keys in a sorted array.
    static func runs<T>(_ items: [T], sameGroup: (T, T) -> Bool, each body: (ArraySlice<T>) -> Void) {
        var start = 0
        while start < items.count {
            var end = start + 1
            while end < items.count && sameGroup(items[start], items[end]) { end += 1 }
            body(items[start..<end])
            start = end
        }
    }

    /// The busiest sliding span of a group: the most distinct `value`s among the items `include` keeps whose times
    /// lie within `seconds` of each other, counting only spans that reach `from` (those wholly before it were judged
    /// with the window before), with the span's items in time order. Nil when no item qualifies.
    static func busiestSpan<T>(
        _ run: ArraySlice<T>, seconds: Int64, from: Int64, time: (T) -> Int64, include: (T) -> Bool, value: (T) -> UInt64
    ) -> (count: Int, span: ArraySlice<T>)? {
        let kept = run.filter(include).sorted { time($0) < time($1) }
        var counts: [UInt64: Int] = [:]
        var left = 0
        var best: (count: Int, left: Int, right: Int)?
        for right in kept.indices {
            counts[value(kept[right]), default: 0] += 1
            while time(kept[right]) - time(kept[left]) >= seconds {
                let key = value(kept[left])
                counts[key]! -= 1
                if counts[key] == 0 { counts.removeValue(forKey: key) }
                left += 1
            }
            if time(kept[right]) >= from && counts.count > (best?.count ?? 0) { best = (counts.count, left, right) }
        }
        return best.map { ($0.count, kept[$0.left...$0.right]) }
    }

    /// A 64-bit value standing for an address in `busiestSpan` (distinct addresses of one group practically never meet).
    @inline(__always)
    static func key(_ address: IPAddress) -> UInt64 {
        UInt64(truncatingIfNeeded: address.value) ^ UInt64(truncatingIfNeeded: address.value >> 64) &* 0x9E37_79B9_7F4A_7C15 ^ (address.isV6 ? 1 : 0)
    }

    /// The runs of one host pair (interface, local, remote) in connections sorted as `byRemoteHost` sorts them, each
    /// with the number of distinct ports it reached (the ports of a run are sorted).
    static func hostPairRuns(_ connections: [Connection], each body: (ArraySlice<Connection>, _ ports: Int) -> Void) {
        Self.runs(
            connections, sameGroup: { $0.interface == $1.interface && $0.local == $1.local && $0.remote == $1.remote },
            each: { run in
                var ports = 0
                var previous: UInt16?
                for connection in run where connection.port != previous {
                    ports += 1
                    previous = connection.port
                }
                body(run, ports)
            })
    }

    /// The items of the groups that may hold at least `count` items: each item's group fingerprint is counted in an
    /// open-addressing table, and only items whose fingerprint was counted that often are kept (usually none: then
    /// the second pass is skipped). A fingerprint collision only merges two groups; the rules then group the candidates
    /// exactly, so the result is the same as grouping everything exactly — at a fraction of the cost, as nearly every
    /// group is small.
    ///
    /// With a `weight`, a group's items are summed by it instead of counted (packets, bytes).
    func candidates<T>(_ items: [T], atLeast count: Int, weight: ((T) -> Int)? = nil, fingerprint: (T) -> UInt64) -> [T] {
        guard !items.isEmpty, weight != nil || items.count >= max(count, 1) else { return [] }
        let counter = self
        let mask = counter.reset(for: items.count)
        var largest = 0
        counter.keys.withUnsafeMutableBufferPointer { keys in
            counter.counts.withUnsafeMutableBufferPointer { counts in
                counter.slots.withUnsafeMutableBufferPointer { slots in
                    for index in items.indices {
                        // 0 marks an empty slot.
                        let print = max(fingerprint(items[index]), 1)
                        var slot = Int(truncatingIfNeeded: print) & mask
                        while keys[slot] != 0 && keys[slot] != print { slot = (slot + 1) & mask }
                        keys[slot] = print
                        counts[slot] = counts[slot].addingClamped(weight?(items[index]) ?? 1)
                        largest = max(largest, counts[slot])
                        slots[index] = Int32(truncatingIfNeeded: slot)
                    }
                }
            }
        }
        guard largest >= count else { return [] }
        var result: [T] = []
        for index in items.indices where counter.counts[Int(counter.slots[index])] >= count { result.append(items[index]) }
        return result
    }

    /// A deterministic 64-bit fingerprint of a group key (never the process-seeded `Hasher`: the same logs give the
    /// same findings).
    @inline(__always)
    static func fingerprint(_ head: UInt64, _ first: IPAddress, _ second: IPAddress?) -> UInt64 {
        @inline(__always) func mix(_ value: UInt64) -> UInt64 {
            var z = value &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        @inline(__always) func fold(_ address: IPAddress) -> UInt64 {
            mix(UInt64(truncatingIfNeeded: address.value) ^ mix(UInt64(truncatingIfNeeded: address.value >> 64) ^ (address.isV6 ? 1 : 0)))
        }
        var hash = mix(head) ^ fold(first)
        if let second { hash = mix(hash) ^ fold(second) }
        return mix(hash)
    }

    /// The connections of (interface, local, remote) groups of at least `count`, sorted by group, then port.
    func byRemoteHost(_ connections: [Connection], atLeast count: Int) -> [Connection] {
        self.candidates(connections, atLeast: count) {
            Self.fingerprint(UInt64(UInt32(bitPattern: $0.interface)), $0.local, $0.remote)
        }.sorted {
            $0.interface != $1.interface
                ? $0.interface < $1.interface
                : $0.local != $1.local
                    ? Self.less($0.local, $1.local)
                    : $0.remote != $1.remote ? Self.less($0.remote, $1.remote) : $0.port < $1.port
        }
    }

    /// Addresses in a fixed order: IPv4 first, then by value.
    static func less(_ a: IPAddress, _ b: IPAddress) -> Bool { a.isV6 == b.isV6 ? a.value < b.value : !a.isV6 }

    /// Clears a table of at least twice `items` slots and returns its mask.
    func reset(for items: Int) -> Int {
        let capacity = 1 << (Int.bitWidth - (items * 2).leadingZeroBitCount)
        if self.keys.count < capacity {
            self.keys = Array(repeating: 0, count: capacity)
            self.counts = Array(repeating: 0, count: capacity)
        } else {
            self.keys.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: capacity) }
            self.counts.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: capacity) }
        }
        if self.slots.count < items { self.slots = Array(repeating: 0, count: max(items, self.slots.count * 2)) }
        return capacity - 1
    }
}
