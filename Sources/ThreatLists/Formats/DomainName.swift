import GuardDutyModel

/// Domain names as lists and DNS logs write them.
public enum DomainName {
    /// Lowercase, without a trailing dot; nil unless it is a plausible DNS name (labels of letters, digits, '-', '_').
    public static func normalise(_ raw: some StringProtocol) -> String? {
        var text = raw.lowercased()
        if text.hasPrefix("*.") { text.removeFirst(2) }
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty, text.utf8.count <= 253, text.contains(".") else { return nil }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63,
                label.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 })
            else { return nil }
        }
        // An all-numeric last label is an address, not a name.
        if text.split(separator: ".").last!.allSatisfy(\.isNumber) { return nil }
        return text
    }
}
