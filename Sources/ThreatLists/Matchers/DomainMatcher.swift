/// Answers "which lists contain this domain or one of its parent domains": exact and parent matches,
/// case-insensitive, tolerant of a trailing dot. Immutable and shareable across threads.
public struct DomainMatcher: Sendable {
    let answers: [String: UInt32]
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
            let id = ids[key] ?? {
                let new = UInt32(combinations.count)
                combinations.append(key)
                ids[key] = new
                return new
            }()
            answers[domain] = id
        }
        self.answers = answers
        self.combinations = combinations
    }

    /// The list indices matching `name` or any parent of it, most specific first, without repeats.
    public func lists(matching name: some StringProtocol) -> [Int] {
        var text = name.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        var result: [Int] = []
        var suffix = Substring(text)
        while !suffix.isEmpty {
            if let id = self.answers[String(suffix)] {
                for list in self.combinations[Int(id)] where !result.contains(list) { result.append(list) }
            }
            guard let dot = suffix.firstIndex(of: ".") else { break }
            suffix = suffix[suffix.index(after: dot)...]
        }
        return result
    }

    public var count: Int { self.answers.count }
}
