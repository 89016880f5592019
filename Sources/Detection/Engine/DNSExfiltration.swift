import Foundation

/// The DNS exfiltration heuristic: data encoded in long, high-entropy labels below one registered domain.
public enum DNSExfiltration {
    /// True when the part before the registered domain is at least 40 characters of labels with high character entropy.
    public static func looksLikeExfiltration(_ name: String) -> Bool {
        // Cheap exit first: most names are short.
        guard name.utf8.count > 44 else { return false }
        let registered = self.registeredDomain(name)
        guard name.count > registered.count + 40 else { return false }
        let prefix = name.dropLast(registered.count + 1).filter { $0 != "." }
        guard prefix.count >= 40 else { return false }
        return self.entropy(prefix) >= 3.5
    }

    /// A second-level label of 12 or more characters that reads as random: high entropy, few vowels, or digits mixed in.
    public static func looksGenerated(_ name: String) -> Bool {
        let labels = name.split(separator: ".")
        guard labels.count >= 2 else { return false }
        let label = labels[labels.count - 2]
        guard label.count >= 12, label.allSatisfy({ $0.isLetter || $0.isNumber }) else { return false }
        let vowels = label.filter { "aeiou".contains($0) }.count
        let digits = label.filter(\.isNumber).count
        return self.entropy(label) >= 3.3 && (Double(vowels) / Double(label.count) < 0.3 || digits >= 2)
    }

    /// The last two labels (a public-suffix list is not shipped).
    public static func registeredDomain(_ name: String) -> String {
        let labels = name.split(separator: ".")
        return labels.suffix(2).joined(separator: ".")
    }

    static func entropy(_ text: some StringProtocol) -> Double {
        var counts: [Character: Int] = [:]
        for character in text { counts[character, default: 0] += 1 }
        let total = Double(text.count)
        return counts.values.reduce(0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }
}
