#if canImport(Glibc)
    import Glibc
#endif

/// Answers "which lists contain this address" for IPv4 and IPv6. Built once per set of list versions,
/// immutable, shareable across threads.
///
/// IPv4 uses a two-level table: 2^20 slots for the top 20 bits (8 MB), each either the answer for its whole /20
/// or a short sorted run of (low 12 bits → answer) boundaries searched in a few steps. Answers are ids of
/// distinct combinations of lists (0: none), so overlapping lists cost nothing at lookup time. A scan looks many
/// addresses up at once (`answers(v4:into:)`), so that their cache misses overlap.
/// IPv6 uses one sorted array of disjoint ranges and a binary search.
public struct IPMatcher: Sendable {
    /// Bits of the address that index the top table.
    public static let topBits: UInt32 = 20
    @usableFromInline static let lowBits: UInt32 = 32 - topBits
    @usableFromInline static let lowMask: UInt32 = (1 << lowBits) - 1
    /// Per /20: bit 63 set → the low 32 bits are the answer for the whole /20; else offset (low 32) and count (high 31).
    @usableFromInline let top: SlotTable
    @usableFromInline let bucketStarts: [UInt16]
    @usableFromInline let bucketAnswers: [UInt32]
    @usableFromInline let v6Starts: [UInt128]
    @usableFromInline let v6Ends: [UInt128]
    @usableFromInline let v6Answers: [UInt32]
    /// Answer id → the indices of the lists it stands for (index 0 is the empty set).
    public let combinations: [[Int]]
    /// No list has an entry: lookups answer 0 without touching memory.
    public let isEmpty: Bool

    /// Builds a matcher over lists given as arrays of networks; list `i` is reported as `i`.
    public init(lists: [[IPNetwork]]) {
        var v4: [(UInt32, UInt32, Int)] = []
        var v6: [(UInt128, UInt128, Int)] = []
        v4.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        for (index, networks) in lists.enumerated() {
            for network in networks {
                if let range = network.v4Range { v4.append((range.lowerBound, range.upperBound, index)) }
                if let range = network.v6Range { v6.append((range.lowerBound, range.upperBound, index)) }
            }
        }
        var combinations: [[Int]] = [[]]
        var ids: [[Int]: UInt32] = [[]: 0]
        func id(_ lists: [Int]) -> UInt32 {
            if let existing = ids[lists] { return existing }
            let new = UInt32(combinations.count)
            combinations.append(lists)
            ids[lists] = new
            return new
        }
        self.isEmpty = v4.isEmpty && v6.isEmpty
        let v4Segments = Self.v4Segments(v4, id: id)
        let v6Segments = Self.v6Segments(v6, id: id)
        self.combinations = combinations

        // IPv4 two-level table, from the boundaries where the answer changes.
        var boundaries: [(UInt32, UInt32)] = []
        boundaries.reserveCapacity(v4Segments.count * 2)
        for (position, segment) in v4Segments.enumerated() {
            let start = UInt32(segment.0)
            let end = UInt32(min(segment.1, UInt64(UInt32.max)))
            boundaries.append((start, segment.2))
            let nextStart = position + 1 < v4Segments.count ? UInt32(v4Segments[position + 1].0) : nil
            if end < UInt32.max && nextStart != end + 1 { boundaries.append((end + 1, 0)) }
        }
        // An IPv4 table only when there is IPv4 to hold (it is 8 MB).
        let slots = v4.isEmpty ? 0 : 1 << Int(Self.topBits)
        let top = SlotTable(count: slots, repeating: 1 << 63)
        var starts: [UInt16] = []
        var answers: [UInt32] = []
        var next = 0
        var current: UInt32 = 0
        for slot in 0..<slots {
            let base = UInt32(slot) << Self.lowBits
            let last = base | Self.lowMask
            while next < boundaries.count && boundaries[next].0 <= base {
                current = boundaries[next].1
                next += 1
            }
            var probe = next
            if probe < boundaries.count && boundaries[probe].0 <= last {
                let offset = starts.count
                starts.append(0)
                answers.append(current)
                while probe < boundaries.count && boundaries[probe].0 <= last {
                    starts.append(UInt16(truncatingIfNeeded: boundaries[probe].0 & Self.lowMask))
                    answers.append(boundaries[probe].1)
                    probe += 1
                }
                top.base[slot] = UInt64(offset) | UInt64(starts.count - offset) << 32
            } else {
                top.base[slot] = 1 << 63 | UInt64(current)
            }
        }
        self.top = top
        self.bucketStarts = starts
        self.bucketAnswers = answers
        self.v6Starts = v6Segments.map(\.0)
        self.v6Ends = v6Segments.map(\.1)
        self.v6Answers = v6Segments.map(\.2)
    }

    /// Disjoint segments of IPv4 intervals: their ends sorted as plain integers — position (33 bits: an end + 1 may be
    /// 2^32), start flag, list — and swept without unpacking them into a wider array.
    static func v4Segments(_ intervals: [(UInt32, UInt32, Int)], id: ([Int]) -> UInt32) -> [(UInt64, UInt64, UInt32)] {
        guard !intervals.isEmpty else { return [] }
        let listCount = (intervals.map(\.2).max() ?? 0) + 1
        precondition(listCount < 1 << 22, "too many lists")
        var packed: [UInt64] = []
        packed.reserveCapacity(intervals.count * 2)
        for (start, end, list) in intervals {
            packed.append(UInt64(start) << 23 | 1 << 22 | UInt64(list))
            packed.append((UInt64(end) + 1) << 23 | UInt64(list))
        }
        RadixSort.sort(&packed)
        return Self.sweep(packed.count, listCount: listCount, id: id) { index in
            let event = packed[index]
            return (event >> 23, Int(event & 0x3F_FFFF), event & (1 << 22) != 0)
        }
    }

    /// Disjoint segments of IPv6 intervals (an interval reaching the last address has no end event).
    static func v6Segments(_ intervals: [(UInt128, UInt128, Int)], id: ([Int]) -> UInt32) -> [(UInt128, UInt128, UInt32)] {
        guard !intervals.isEmpty else { return [] }
        var events: [(position: UInt128, list: Int, isStart: Bool)] = []
        events.reserveCapacity(intervals.count * 2)
        for (start, end, list) in intervals {
            events.append((start, list, true))
            if end != UInt128.max { events.append((end + 1, list, false)) }
        }
        events.sort { $0.position < $1.position }
        return Self.sweep(events.count, listCount: (intervals.map(\.2).max() ?? 0) + 1, id: id) { events[$0] }
    }

    /// Disjoint segments (start, end, combination id) of the union of intervals, from their ends in position order
    /// (`event(i)`: position, list, whether it starts there). The set of lists in force is kept as counts per list,
    /// its combination id looked up only when it changes; neighbours with the same answer are merged.
    static func sweep<Position: FixedWidthInteger & UnsignedInteger>(
        _ eventCount: Int, listCount: Int, id: ([Int]) -> UInt32, event: (Int) -> (Position, Int, Bool)
    ) -> [(Position, Position, UInt32)] {
        var counts = [Int](repeating: 0, count: listCount)
        var singleIds = [UInt32?](repeating: nil, count: listCount)
        var activeCount = 0
        var lastStarted = 0
        var merged: [(Position, Position, UInt32)] = []
        func emit(_ start: Position, _ end: Position, _ answer: UInt32) {
            if let last = merged.last, last.2 == answer, last.1 &+ 1 == start {
                merged[merged.count - 1].1 = end
            } else {
                merged.append((start, end, answer))
            }
        }
        var index = 0
        var openStart: Position?
        var openAnswer: UInt32 = 0
        while index < eventCount {
            let position = event(index).0
            var changed = false
            while index < eventCount {
                let (at, list, isStart) = event(index)
                guard at == position else { break }
                let before = counts[list]
                counts[list] += isStart ? 1 : -1
                if (before == 0) != (counts[list] == 0) {
                    changed = true
                    activeCount += before == 0 ? 1 : -1
                    if before == 0 { lastStarted = list }
                }
                index += 1
            }
            var answer = openAnswer
            if changed || openStart == nil {
                if activeCount == 0 {
                    answer = 0
                } else if activeCount == 1 {
                    let list = counts[lastStarted] > 0 ? lastStarted : counts.firstIndex { $0 > 0 }!
                    if singleIds[list] == nil { singleIds[list] = id([list]) }
                    answer = singleIds[list]!
                } else {
                    answer = id(counts.indices.filter { counts[$0] > 0 })
                }
            }
            if let start = openStart, openAnswer != 0, answer != openAnswer { emit(start, position - 1, openAnswer) }
            if answer != openAnswer || openStart == nil {
                openStart = position
                openAnswer = answer
            }
        }
        if let start = openStart, openAnswer != 0 { emit(start, Position.max, openAnswer) }
        return merged
    }

    /// The answer id for an IPv4 address (0: on no list).
    @inlinable
    public func answer(v4 address: UInt32) -> UInt32 {
        if self.top.count == 0 { return 0 }
        let slot = self.top.base[Int(address >> Self.lowBits)]
        if slot >> 63 == 1 { return UInt32(truncatingIfNeeded: slot) }
        let offset = Int(UInt32(truncatingIfNeeded: slot))
        let count = Int(slot >> 32)
        let low = UInt16(truncatingIfNeeded: address & Self.lowMask)
        let index = self.bucketStarts.withUnsafeBufferPointer { Self.search($0, from: offset, to: offset + count, for: low) }
        return self.bucketAnswers.withUnsafeBufferPointer { $0[index] }
    }

    /// The last boundary <= low in a run (its first boundary is 0, so there is one).
    @inlinable @inline(__always)
    static func search(_ starts: UnsafeBufferPointer<UInt16>, from start: Int, to end: Int, for low: UInt16) -> Int {
        var index = start
        if end - index <= 8 {
            while index + 1 < end && starts[index + 1] <= low { index += 1 }
        } else {
            var hi = end - 1
            while index < hi {
                let mid = (index + hi + 1) >> 1
                if starts[mid] <= low { index = mid } else { hi = mid - 1 }
            }
        }
        return index
    }

    /// The answer ids for many IPv4 addresses at once, in three passes over the batch — the slots, a touch of each
    /// run, the searches — so that the cache misses of different addresses overlap instead of waiting for one
    /// another (a search's branches depend on loaded data and would otherwise serialise them).
    public func answers(v4 addresses: UnsafeBufferPointer<UInt32>, into results: UnsafeMutableBufferPointer<UInt32>) {
        precondition(results.count >= addresses.count)
        guard self.top.count > 0 else {
            for index in addresses.indices { results[index] = 0 }
            return
        }
        let top = self.top.base
        var slots = [UInt64](repeating: 0, count: addresses.count)
        do {
            self.bucketStarts.withUnsafeBufferPointer { starts in
                self.bucketAnswers.withUnsafeBufferPointer { answers in
                    slots.withUnsafeMutableBufferPointer { slots in
                        // 1. Each address's slot.
                        for index in addresses.indices { slots[index] = top[Int(addresses[index] >> Self.lowBits)] }
                        // 2. Touch each run, without a branch on what is loaded (whole-/20 slots touch the first entry).
                        var touched: UInt32 = 0
                        for index in addresses.indices where !starts.isEmpty {
                            let offset = Int(UInt32(truncatingIfNeeded: slots[index])) & Int(bitPattern: UInt(slots[index] >> 63) &- 1)
                            touched &+= UInt32(starts[offset]) &+ answers[offset]
                        }
                        keep(touched)
                        // 3. Search, with the runs now in cache.
                        for index in addresses.indices {
                            let slot = slots[index]
                            if slot >> 63 == 1 {
                                results[index] = UInt32(truncatingIfNeeded: slot)
                                continue
                            }
                            let offset = Int(UInt32(truncatingIfNeeded: slot))
                            let low = UInt16(truncatingIfNeeded: addresses[index] & Self.lowMask)
                            results[index] = answers[Self.search(starts, from: offset, to: offset + Int(slot >> 32), for: low)]
                        }
                    }
                }
            }
        }
    }

    /// The answer id for an IPv6 address (0: on no list).
    public func answer(v6 address: UInt128) -> UInt32 {
        var lo = 0
        var hi = self.v6Starts.count - 1
        guard hi >= 0, self.v6Starts[0] <= address else { return 0 }
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if self.v6Starts[mid] <= address { lo = mid } else { hi = mid - 1 }
        }
        return address <= self.v6Ends[lo] ? self.v6Answers[lo] : 0
    }

    /// The indices of the lists containing the address.
    public func lists(containing network: IPNetwork) -> [Int] {
        switch network {
        case .v4(let address, _): return self.combinations[Int(self.answer(v4: address))]
        case .v6(let address, _): return self.combinations[Int(self.answer(v6: address))]
        }
    }

    /// Bytes held by the tables (for the benchmark's memory figure).
    public var tableBytes: Int {
        self.top.count * 8 + self.bucketStarts.count * 2 + self.bucketAnswers.count * 4 + self.v6Starts.count * 32 + self.v6Answers.count * 4
    }
}

/// Keeps a value computed only for its memory accesses from being optimised away.
@inline(never) @_optimize(none)
func keep(_ value: UInt32) {}
