import Foundation

/// Reads a list file in any of GuardDuty's formats. Malformed entries are counted and skipped, never fatal;
/// only a file that is not the format at all (a STIX file that is neither JSON nor XML) yields no entries and
/// a malformed count that says why.
///
/// Every format is read in one pass over the bytes (no regular expression over the document, nothing rescanned),
/// so the time a file takes grows with its size only; a time budget stops a parse that still runs too long.
public enum ListParser {
    /// The time budget of a parse when the caller names none.
    public static let defaultTimeBudget: Duration = .seconds(30)

    /// Parses `data`. A parse that runs past `timeBudget` (nil: no budget) stops and yields no entries, with
    /// `ParsedList.failure` saying so.
    /// `broadest` refuses networks broader than the given prefixes (counted as malformed), as feeds do.
    public static func parse(
        _ data: [UInt8], format: ListFormat, content: ListContent, timeBudget: Duration? = ListParser.defaultTimeBudget,
        broadest: (v4: UInt8, v6: UInt8)? = nil
    ) -> ParsedList {
        var builder = ListBuilder(content: content, timeBudget: timeBudget, broadest: broadest)
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

    /// Lines of a file with their 1-based numbers, without the line terminator, while `body` returns true.
    static func lines(_ data: [UInt8], _ body: (Int, ArraySlice<UInt8>) -> Bool) {
        var start = 0
        var number = 1
        for index in data.indices where data[index] == 10 {
            var end = index
            if end > start && data[end - 1] == 13 { end -= 1 }
            guard body(number, data[start..<end]) else { return }
            start = index + 1
            number += 1
        }
        if start < data.count { _ = body(number, data[start...]) }
    }

    static func isComment(_ line: ArraySlice<UInt8>) -> Bool {
        guard let first = line.firstIndex(where: { $0 != 32 && $0 != 9 }) else { return true }
        switch line[first] {
        case UInt8(ascii: "#"), UInt8(ascii: ";"): return true
        case UInt8(ascii: "/"): return first + 1 < line.endIndex && line[first + 1] == UInt8(ascii: "/")
        default: return false
        }
    }

    // MARK: TXT

    /// One IP, CIDR or domain per line; '#', ';' and '//' comments; anything after the first whitespace, ',' or '#'
    /// on a line is ignored (so `ipsum.txt`'s "IP<TAB>count" and FireHOL netsets read as they are).
    static func parseText(_ data: [UInt8], into builder: inout ListBuilder) {
        self.lines(data) { number, line in
            guard !builder.outOfTime(line: number) else { return false }
            guard !self.isComment(line) else { return true }
            var start = line.startIndex
            while start < line.endIndex
                && (line[start] == 32 || line[start] == 9 || line[start] == 0xEF || line[start] == 0xBB || line[start] == 0xBF)
            {
                start += 1
            }
            var end = start
            while end < line.endIndex && line[end] != 32 && line[end] != 9 && line[end] != 44 && line[end] != 35 { end += 1 }
            guard start < end else { return true }
            let token = line[start..<end]
            if let network = IPNetwork.parse(token) {
                // The common case, without a String.
                builder.networks.append(network)
                if let slash = token.firstIndex(of: 47), let host = IPNetwork.parse(token[..<slash]),
                    host.description != network.description.split(separator: "/")[0]
                {
                    builder.hostBitsCleared += 1
                }
            } else {
                builder.add(String(decoding: token, as: UTF8.self), line: number)
            }
            return true
        }
    }

    // MARK: STIX

    static func parseSTIX(_ data: [UInt8], into builder: inout ListBuilder) {
        guard let first = data.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }) else { return }
        if first == UInt8(ascii: "<") {
            STIX1Reader.read(data, into: &builder)
        } else if let json = try? JSONSerialization.jsonObject(with: Data(data)) {
            self.walkSTIX2(json, into: &builder)
        } else {
            builder.malformed(line: 1, "is not a STIX 2.x JSON bundle or a STIX 1.x XML document")
        }
    }

    /// STIX 2.x: indicator patterns (comparisons on ipv4-addr, ipv6-addr and domain-name values, joined by OR/AND,
    /// also ISSUBSET), and cyber-observable objects of those types (bundles, observed-data `objects`).
    static func walkSTIX2(_ value: Any, into builder: inout ListBuilder) {
        guard !builder.outOfTime(line: 0) else { return }
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

    /// The literal values of the address and domain comparisons of a STIX pattern
    /// (`ipv4-addr:value = '…'`, `ipv6-addr:value ISSUBSET '…'`, `domain-name:value IN '…'`), `\'` unescaped.
    /// One pass: a literal with no closing quote ends the pattern.
    public static func patternValues(_ pattern: String) -> [String] {
        let bytes = Array(pattern.utf8)
        var values: [String] = []
        var index = 0
        func matches(_ literal: String, at position: Int) -> Bool {
            let utf8 = literal.utf8
            guard position >= 0, position + utf8.count <= bytes.count else { return false }
            return bytes[position..<(position + utf8.count)].elementsEqual(utf8)
        }
        func skipSpace(_ position: inout Int) {
            while position < bytes.count && (bytes[position] == 32 || bytes[position] == 9 || bytes[position] == 10 || bytes[position] == 13) {
                position += 1
            }
        }
        while index < bytes.count {
            // Each ':value' once, from left to right.
            guard bytes[index] == UInt8(ascii: ":"), matches(":value", at: index),
                matches("ipv4-addr", at: index - 9) || matches("ipv6-addr", at: index - 9) || matches("domain-name", at: index - 11)
            else {
                index += 1
                continue
            }
            var cursor = index + 6
            skipSpace(&cursor)
            if matches("=", at: cursor) {
                cursor += 1
            } else if matches("ISSUBSET", at: cursor) {
                cursor += 8
            } else if matches("IN", at: cursor) {
                cursor += 2
            } else {
                index += 1
                continue
            }
            skipSpace(&cursor)
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "'") else {
                index += 1
                continue
            }
            var value: [UInt8] = []
            var end = cursor + 1
            var closed = false
            while end < bytes.count {
                let byte = bytes[end]
                if byte == UInt8(ascii: "'") {
                    closed = true
                    break
                }
                if byte == UInt8(ascii: "\\") && end + 1 < bytes.count {
                    // `\'` is a quote; any other escape is kept as written.
                    if bytes[end + 1] != UInt8(ascii: "'") { value.append(byte) }
                    value.append(bytes[end + 1])
                    end += 2
                    continue
                }
                value.append(byte)
                end += 1
            }
            guard closed else { break }
            values.append(String(decoding: value, as: UTF8.self))
            index = end + 1
        }
        return values
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
                    if index + 1 < line.endIndex && line[index + 1] == 34 {
                        current.append(34)
                        index += 1
                    } else {
                        quoted = false
                    }
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
            guard !builder.outOfTime(line: number) else { return false }
            guard !self.isComment(line) else { return true }
            let fields = self.csvFields(line)
            let lowered = fields.map { $0.lowercased() }
            if let type = lowered.firstIndex(of: "indicator type"), let value = lowered.firstIndex(of: "indicator") {
                typeColumn = type
                valueColumn = value
                return true
            }
            guard fields.count > max(typeColumn, valueColumn) else {
                builder.malformed(line: number, "does not have the Indicator type and Indicator columns")
                return true
            }
            switch lowered[typeColumn] {
            case "ipv4", "ipv6", "cidr", "ip", "ipv4-addr", "ipv6-addr": builder.add(fields[valueColumn], line: number)
            case "domain", "hostname", "fqdn": builder.add(fields[valueColumn], line: number)
            default: builder.ignoredCount += 1
            }
            return true
        }
    }

    /// AlienVault IP reputation feed: `IP#reliability#risk#activity#country#city#lat,long#flag`.
    static func parseAlienVault(_ data: [UInt8], into builder: inout ListBuilder) {
        self.lines(data) { number, line in
            guard !builder.outOfTime(line: number) else { return false }
            guard !self.isComment(line) else { return true }
            let end = line.firstIndex(of: UInt8(ascii: "#")) ?? line.endIndex
            builder.add(String(decoding: line[line.startIndex..<end], as: UTF8.self), line: number)
            return true
        }
    }

    /// CSV feeds whose header names the columns to read (Proofpoint ET Intelligence `ip,category,score,…` or
    /// `domain,…`; FireEye iSIGHT exports with `ip`, `cidr`, `domain` columns). Without a header, the first column.
    static func parseColumnCSV(_ data: [UInt8], columns wanted: [String], into builder: inout ListBuilder) {
        var selected: [Int]?
        self.lines(data) { number, line in
            guard !builder.outOfTime(line: number) else { return false }
            guard !self.isComment(line) else { return true }
            let fields = self.csvFields(line)
            let columns: [Int]
            if let selected {
                columns = selected
            } else {
                let lowered = fields.map { $0.lowercased().replacingOccurrences(of: " ", with: "") }
                let found = lowered.indices.filter { wanted.contains(lowered[$0]) }
                selected = found.isEmpty ? [0] : found
                guard found.isEmpty else { return true }
                columns = [0]
            }
            var any = false
            for column in columns where column < fields.count && !fields[column].isEmpty {
                builder.add(fields[column], line: number)
                any = true
            }
            if !any { builder.ignoredCount += 1 }
            return true
        }
    }
}
