import Foundation

/// Reads a list file in any of GuardDuty's formats. Malformed entries are counted and skipped, never fatal;
/// only a file that is not the format at all (a STIX file that is neither JSON nor XML) yields no entries and
/// a malformed count that says why.
public enum ListParser {
    public static func parse(_ data: [UInt8], format: ListFormat, content: ListContent) -> ParsedList {
        var builder = ListBuilder(content: content)
        switch format {
        case .txt: self.parseText(data, into: &builder)
        case .stix: self.parseSTIX(data, into: &builder)
        case .otxCSV: self.parseOTX(data, into: &builder)
        case .alienVault: self.parseAlienVault(data, into: &builder)
        case .proofPoint: self.parseColumnCSV(data, columns: ["ip", "domain"], into: &builder)
        case .fireEye: self.parseColumnCSV(data, columns: ["ip", "cidr", "domain", "networkidentifier"], into: &builder)
        }
        return builder.finish()
    }

    /// Lines of a file with their 1-based numbers, without the line terminator.
    static func lines(_ data: [UInt8], _ body: (Int, ArraySlice<UInt8>) -> Void) {
        var start = 0
        var number = 1
        for index in data.indices where data[index] == 10 {
            var end = index
            if end > start && data[end - 1] == 13 { end -= 1 }
            body(number, data[start..<end])
            start = index + 1
            number += 1
        }
        if start < data.count { body(number, data[start...]) }
    }

    static func isComment(_ line: ArraySlice<UInt8>) -> Bool {
        guard let first = line.first(where: { $0 != 32 && $0 != 9 }) else { return true }
        return first == UInt8(ascii: "#") || first == UInt8(ascii: ";") || (first == UInt8(ascii: "/") && line.contains(UInt8(ascii: "/")))
            && String(decoding: line, as: UTF8.self).trimmingListWhitespace().hasPrefix("//")
    }

    // MARK: TXT

    /// One IP, CIDR or domain per line; '#', ';' and '//' comments; anything after the first whitespace, ',' or '#'
    /// on a line is ignored (so `ipsum.txt`'s "IP<TAB>count" and FireHOL netsets read as they are).
    static func parseText(_ data: [UInt8], into builder: inout ListBuilder) {
        self.lines(data) { number, line in
            guard !self.isComment(line) else { return }
            var start = line.startIndex
            while start < line.endIndex && (line[start] == 32 || line[start] == 9 || line[start] == 0xEF || line[start] == 0xBB || line[start] == 0xBF) {
                start += 1
            }
            var end = start
            while end < line.endIndex && line[end] != 32 && line[end] != 9 && line[end] != 44 && line[end] != 35 { end += 1 }
            guard start < end else { return }
            let token = line[start..<end]
            if let network = IPNetwork.parse(token) {
                // The common case, without a String.
                builder.networks.append(network)
                if let slash = token.firstIndex(of: 47), let host = IPNetwork.parse(token[..<slash]), host.description != network.description.split(separator: "/")[0] {
                    builder.hostBitsCleared += 1
                }
            } else {
                builder.add(String(decoding: token, as: UTF8.self), line: number)
            }
        }
    }

    // MARK: STIX

    static func parseSTIX(_ data: [UInt8], into builder: inout ListBuilder) {
        guard let first = data.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }) else { return }
        if first == UInt8(ascii: "<") {
            self.parseSTIX1(String(decoding: data, as: UTF8.self), into: &builder)
        } else if let json = try? JSONSerialization.jsonObject(with: Data(data)) {
            self.walkSTIX2(json, into: &builder)
        } else {
            builder.malformed(line: 1, String(decoding: data.prefix(60), as: UTF8.self), "is not a STIX 2.x JSON bundle or a STIX 1.x XML document")
        }
    }

    /// STIX 2.x: indicator patterns (comparisons on ipv4-addr, ipv6-addr and domain-name values, joined by OR/AND,
    /// also ISSUBSET), and cyber-observable objects of those types (bundles, observed-data `objects`).
    static func walkSTIX2(_ value: Any, into builder: inout ListBuilder) {
        if let array = value as? [Any] {
            for item in array { self.walkSTIX2(item, into: &builder) }
            return
        }
        guard let object = value as? [String: Any] else { return }
        let type = object["type"] as? String
        if let type, ["ipv4-addr", "ipv6-addr", "domain-name"].contains(type), let address = object["value"] as? String {
            builder.add(address, line: 0)
        }
        if type == "indicator", let pattern = object["pattern"] as? String {
            let values = self.patternValues(pattern)
            if values.isEmpty {
                builder.ignoredCount += 1
            }
            for value in values { builder.add(value, line: 0) }
        }
        if let objects = object["objects"] {
            if let dictionary = objects as? [String: Any] {
                for item in dictionary.values { self.walkSTIX2(item, into: &builder) }
            } else {
                self.walkSTIX2(objects, into: &builder)
            }
        }
    }

    nonisolated(unsafe) static let patternComparison = try! Regex(#"(ipv4-addr|ipv6-addr|domain-name):value\s*(?:=|ISSUBSET|IN)\s*'((?:[^'\\]|\\.)*)'"#)

    /// The literal values of the address and domain comparisons of a STIX pattern.
    public static func patternValues(_ pattern: String) -> [String] {
        pattern.matches(of: self.patternComparison).compactMap { match in
            match.output[2].substring.map { String($0).replacingOccurrences(of: "\\'", with: "'") }
        }
    }

    nonisolated(unsafe) static let stix1Value = try! Regex(#"<(?:[A-Za-z0-9_]+:)?(Address_Value|Value)\b([^>]*)>([^<]*)</"#)

    /// STIX 1.x XML: `AddressObj:Address_Value` and `DomainNameObj:Value` observables (with `##comma##` lists).
    static func parseSTIX1(_ text: String, into builder: inout ListBuilder) {
        var line = 1
        var lastIndex = text.startIndex
        for match in text.matches(of: self.stix1Value) {
            line += text[lastIndex..<match.range.lowerBound].reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            lastIndex = match.range.lowerBound
            let element = match.output[1].substring ?? ""
            let raw = String(match.output[3].substring ?? "")
            // Only address and domain-name values: a generic <X:Value> counts only inside DomainNameObj.
            if element == "Value" {
                let from = text.index(match.range.lowerBound, offsetBy: -200, limitedBy: text.startIndex) ?? text.startIndex
                let before = text[from..<match.range.lowerBound]
                guard before.contains("DomainName") else { continue }
            }
            let unescaped = raw.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            for value in unescaped.components(separatedBy: "##comma##") {
                builder.add(value, line: line)
            }
        }
    }

    // MARK: vendor CSVs

    /// Splits one CSV line (RFC 4180 quoting, no embedded line breaks).
    static func csvFields(_ line: ArraySlice<UInt8>) -> [String] {
        var fields: [String] = []
        var current: [UInt8] = []
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            if quoted {
                if byte == 34 {
                    if index + 1 < line.endIndex && line[index + 1] == 34 { current.append(34); index += 1 } else { quoted = false }
                } else {
                    current.append(byte)
                }
            } else if byte == 34 {
                quoted = true
            } else if byte == 44 {
                fields.append(String(decoding: current, as: UTF8.self).trimmingListWhitespace().description)
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
            index += 1
        }
        fields.append(String(decoding: current, as: UTF8.self).trimmingListWhitespace().description)
        return fields
    }

    /// AlienVault OTX pulse export: `Indicator type,Indicator,Description` (types IPv4, IPv6, CIDR, domain, hostname, …).
    static func parseOTX(_ data: [UInt8], into builder: inout ListBuilder) {
        var typeColumn = 0
        var valueColumn = 1
        self.lines(data) { number, line in
            guard !self.isComment(line) else { return }
            let fields = self.csvFields(line)
            let lowered = fields.map { $0.lowercased() }
            if let type = lowered.firstIndex(of: "indicator type"), let value = lowered.firstIndex(of: "indicator") {
                typeColumn = type
                valueColumn = value
                return
            }
            guard fields.count > max(typeColumn, valueColumn) else {
                builder.malformed(line: number, String(decoding: line, as: UTF8.self), "does not have the Indicator type and Indicator columns")
                return
            }
            switch lowered[typeColumn] {
            case "ipv4", "ipv6", "cidr", "ip", "ipv4-addr", "ipv6-addr": builder.add(fields[valueColumn], line: number)
            case "domain", "hostname", "fqdn": builder.add(fields[valueColumn], line: number)
            default: builder.ignoredCount += 1
            }
        }
    }

    /// AlienVault IP reputation feed: `IP#reliability#risk#activity#country#city#lat,long#flag`.
    static func parseAlienVault(_ data: [UInt8], into builder: inout ListBuilder) {
        self.lines(data) { number, line in
            guard !self.isComment(line) else { return }
            let end = line.firstIndex(of: UInt8(ascii: "#")) ?? line.endIndex
            builder.add(String(decoding: line[line.startIndex..<end], as: UTF8.self), line: number)
        }
    }

    /// CSV feeds whose header names the columns to read (Proofpoint ET Intelligence `ip,category,score,…` or
    /// `domain,…`; FireEye iSIGHT exports with `ip`, `cidr`, `domain` columns). Without a header, the first column.
    static func parseColumnCSV(_ data: [UInt8], columns wanted: [String], into builder: inout ListBuilder) {
        var selected: [Int]?
        self.lines(data) { number, line in
            guard !self.isComment(line) else { return }
            let fields = self.csvFields(line)
            if selected == nil {
                let lowered = fields.map { $0.lowercased().replacingOccurrences(of: " ", with: "") }
                let found = lowered.indices.filter { wanted.contains(lowered[$0]) }
                if !found.isEmpty {
                    selected = found
                    return
                }
                selected = [0]
            }
            var any = false
            for column in selected! where column < fields.count && !fields[column].isEmpty {
                builder.add(fields[column], line: number)
                any = true
            }
            if !any { builder.ignoredCount += 1 }
        }
    }
}
