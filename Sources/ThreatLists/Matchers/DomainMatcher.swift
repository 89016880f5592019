/// Answers "which lists contain this domain or one of its parent domains": exact and parent matches,
/// case-insensitive, tolerant of a trailing dot. Immutable and shareable across threads.
///
/// Lookups hash every suffix of the name in one pass from its end (lower-casing as they go), so a name that is on no
/// list costs one pass over its bytes and a probe per label, and allocates nothing.
public struct DomainMatcher: Sendable {
    /// Open addressing over the suffix hashes; `slots` holds entry index + 1 (0: empty).
    let slots: [Int32]
    let hashes: [UInt64]
    let domains: [[UInt8]]
    let domainAnswers: [UInt32]
    /// Answer id → list indices (0 is the empty set).
    public let combinations: [[Int]]

    public init(lists: [[String]]) {
        var byDomain: [String: Set<Int>] = [:]
        for (index, domains) in lists.enumerated() {
            for domain in domains {
                guard let normalised = DomainName.normalise(domain) else { continue }
                byDomain[normalised, default: []].insert(index)
            }
        }
        var combinations: [[Int]] = [[]]
        var ids: [[Int]: UInt32] = [[]: 0]
        var answers: [String: UInt32] = [:]
        for (domain, lists) in byDomain {
            let key = lists.sorted()
            let id =
                ids[key]
                ?? {
                    let new = UInt32(combinations.count)
                    combinations.append(key)
                    ids[key] = new
                    return new
                }()
            answers[domain] = id
        }
        self.combinations = combinations
        let entries = answers.sorted { $0.key < $1.key }
        self.domains = entries.map { Array($0.key.utf8) }
        self.domainAnswers = entries.map(\.value)
        self.hashes = self.domains.map { domain in domain.withUnsafeBufferPointer { Self.suffixHashes($0) { _, _ in } } }
        var slots = [Int32](repeating: 0, count: max(16, 1 << (Int.bitWidth - (entries.count * 2).leadingZeroBitCount)))
        let mask = slots.count - 1
        for (index, hash) in self.hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
        self.slots = slots
    }

    /// Hashes the suffixes of `bytes` (lower-cased, from the end): calls `body` with each suffix that starts a label
    /// (its start and hash, longest last) and returns the whole name's hash.
    @inline(__always)
    @discardableResult
    static func suffixHashes(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, UInt64) -> Void) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var index = bytes.count
        while index > 0 {
            index -= 1
            var byte = bytes[index]
            if byte >= 65 && byte <= 90 { byte += 32 }
            if byte == UInt8(ascii: ".") { body(index + 1, hash) }
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The list indices matching `name` or any parent of it, most specific first, without repeats.
    public func lists(matching name: some StringProtocol) -> [Int] {
        guard !self.domains.isEmpty else { return [] }
        var text = String(name)
        return text.withUTF8 { self.lists(matching: $0) }
    }

    /// The same for the bytes of a name (any case, with or without the trailing dot).
    public func lists(matching bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        guard !self.domains.isEmpty else { return [] }
        var name = bytes
        if let last = name.last, last == UInt8(ascii: ".") { name = UnsafeBufferPointer(rebasing: name.dropLast()) }
        var found: [(start: Int, id: UInt32)] = []
        let whole = Self.suffixHashes(name) { start, hash in
            if let id = self.answer(hash, name, from: start) { found.append((start, id)) }
        }
        if let id = self.answer(whole, name, from: 0) { found.append((0, id)) }
        guard !found.isEmpty else { return [] }
        var result: [Int] = []
        for (_, id) in found.sorted(by: { $0.start < $1.start }) {
            for list in self.combinations[Int(id)] where !result.contains(list) { result.append(list) }
        }
        return result
    }

    /// The answer for the suffix of `name` from `start` whose hash is `hash`, confirmed byte by byte.
    @inline(__always)
    func answer(_ hash: UInt64, _ name: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt32? {
        let mask = self.slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(self.slots[slot])
            if entry == 0 { return nil }
            if self.hashes[entry - 1] == hash {
                let domain = self.domains[entry - 1]
                if domain.count == name.count - start
                    && domain.indices.allSatisfy({ index in
                        var byte = name[start + index]
                        if byte >= 65 && byte <= 90 { byte += 32 }
                        return byte == domain[index]
                    })
                {
                    return self.domainAnswers[entry - 1]
                }
            }
            slot = (slot + 1) & mask
        }
    }

    public var count: Int { self.domains.count }
}
