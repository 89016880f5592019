import Foundation

/// STIX 1.x XML in one pass over the bytes: a small tokenizer (start and end tags with their attributes, text,
/// comments, CDATA, processing instructions and declarations) that reads the text of `Address_Value` elements
/// (AddressObj) and of `Value` elements of domain-name objects (`DomainNameObj:Value`, or a `Value` within 200 bytes
/// after a `DomainName…` name), split at `##comma##`. Nothing is read twice: a tag that never closes ends at the next
/// '<' (and counts as malformed when it is a value element).
enum STIX1Reader {
    /// What the reader is inside of.
    private struct PendingValue {
        var line: Int
        var text: [UInt8]
    }

    static func read(_ data: [UInt8], into builder: inout ListBuilder) {
        let count = data.count
        var index = 0
        var line = 1
        // Where the last `DomainName` seen so far starts (a Value counts when one starts at most 200 bytes before it).
        var lastDomainName = Int.min / 2
        var pending: PendingValue?
        var nextBudgetCheck = 0
        // Finds "DomainName" occurrences as the scan passes them, and counts lines.
        @inline(__always) func passed(_ position: Int) {
            let byte = data[position]
            if byte == 10 {
                line += 1
            } else if byte == UInt8(ascii: "D"), position + 10 <= count, data[position..<(position + 10)].elementsEqual("DomainName".utf8) {
                lastDomainName = position
            }
        }
        while index < count {
            if index >= nextBudgetCheck {
                nextBudgetCheck = index + 4096
                if builder.outOfTime(line: line) { return }
            }
            let byte = data[index]
            guard byte == UInt8(ascii: "<") else {
                passed(index)
                if pending != nil { pending!.text.append(byte) }
                index += 1
                continue
            }
            let tagStart = index
            let tagLine = line
            // Comments, CDATA, declarations and processing instructions.
            if self.startsWith(data, index, "<!--") {
                index = self.skip(data, from: index + 4, past: "-->", passing: passed)
                continue
            }
            if self.startsWith(data, index, "<![CDATA[") {
                let contentStart = index + 9
                let end = self.find(data, from: contentStart, "]]>")
                for position in contentStart..<min(end, count) { passed(position) }
                if pending != nil { pending!.text.append(contentsOf: data[contentStart..<min(end, count)]) }
                index = min(end + 3, count)
                continue
            }
            if self.startsWith(data, index, "<?") || self.startsWith(data, index, "<!") {
                pending = nil
                index = self.skip(data, from: index + 2, past: ">", passing: passed)
                continue
            }
            // A start or end tag: its name, then attributes up to '>' (quotes respected), or a '<' that ends it broken.
            var cursor = index + 1
            let closing = cursor < count && data[cursor] == UInt8(ascii: "/")
            if closing { cursor += 1 }
            let nameStart = cursor
            while cursor < count, self.isNameByte(data[cursor]) { cursor += 1 }
            let name = data[nameStart..<cursor]
            for position in (tagStart + 1)..<cursor { passed(position) }
            var quote: UInt8 = 0
            var closed = false
            var selfClosing = false
            while cursor < count {
                let current = data[cursor]
                if current == UInt8(ascii: "<") {
                    // Not allowed anywhere in a tag, quoted or not: the tag is broken and the next one starts here.
                    break
                } else if quote != 0 {
                    if current == quote { quote = 0 }
                } else if current == 34 || current == 39 {
                    quote = current
                } else if current == UInt8(ascii: ">") {
                    closed = true
                    selfClosing = cursor > nameStart && data[cursor - 1] == UInt8(ascii: "/")
                    break
                }
                passed(cursor)
                cursor += 1
            }
            index = closed ? cursor + 1 : cursor
            if closing {
                if let value = pending {
                    self.emit(value, into: &builder)
                    pending = nil
                }
                continue
            }
            // A start tag: a value element starts a pending value; any other element inside one cancels it.
            pending = nil
            let local = name.lastIndex(of: UInt8(ascii: ":")).map { name[($0 + 1)...] } ?? name
            let isAddress = local.elementsEqual("Address_Value".utf8)
            let isValue = local.elementsEqual("Value".utf8)
            guard isAddress || isValue else { continue }
            guard closed else {
                builder.malformed(line: tagLine, "is a value element whose tag is not closed")
                continue
            }
            // A generic Value counts only in a domain-name object.
            guard isAddress || self.contains(name, "DomainName") || tagStart - lastDomainName <= 200 else { continue }
            if !selfClosing { pending = PendingValue(line: tagLine, text: []) }
        }
    }

    /// Adds a value element's text: entities decoded, `##comma##` lists split.
    private static func emit(_ value: PendingValue, into builder: inout ListBuilder) {
        let text = self.decodeEntities(value.text)
        var start = 0
        var index = 0
        let separator = Array("##comma##".utf8)
        while index <= text.count {
            if index == text.count
                || (text[index] == 35 && index + separator.count <= text.count && text[index..<(index + separator.count)].elementsEqual(separator))
            {
                builder.add(String(decoding: text[start..<index], as: UTF8.self), line: value.line)
                if index == text.count { break }
                index += separator.count
                start = index
                continue
            }
            index += 1
        }
    }

    /// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and numeric references (`&#65;`, `&#x41;`); anything else as written.
    static func decodeEntities(_ text: [UInt8]) -> [UInt8] {
        guard text.contains(UInt8(ascii: "&")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            guard text[index] == UInt8(ascii: "&"), let semicolon = text[index..<min(index + 12, text.count)].firstIndex(of: UInt8(ascii: ";")) else {
                out.append(text[index])
                index += 1
                continue
            }
            let entity = text[(index + 1)..<semicolon]
            var replacement: [UInt8]?
            switch String(decoding: entity, as: UTF8.self) {
            case "amp": replacement = [38]
            case "lt": replacement = [60]
            case "gt": replacement = [62]
            case "quot": replacement = [34]
            case "apos": replacement = [39]
            default:
                if entity.first == UInt8(ascii: "#") {
                    let hex = entity.dropFirst().first == UInt8(ascii: "x") || entity.dropFirst().first == UInt8(ascii: "X")
                    let digits = entity.dropFirst(hex ? 2 : 1)
                    // At most 8 digits: the value stays far from overflowing before it is checked.
                    if !digits.isEmpty, digits.count <= 8, let code = UInt32(String(decoding: digits, as: UTF8.self), radix: hex ? 16 : 10),
                        let scalar = Unicode.Scalar(code)
                    {
                        replacement = Array(String(Character(scalar)).utf8)
                    }
                }
            }
            if let replacement {
                out.append(contentsOf: replacement)
                index = semicolon + 1
            } else {
                out.append(text[index])
                index += 1
            }
        }
        return out
    }

    @inline(__always)
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57) || byte == 95 || byte == 58 || byte == 45
            || byte == 46
            || byte >= 0x80
    }

    private static func startsWith(_ data: [UInt8], _ index: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= data.count else { return false }
        return literal.withUTF8Buffer { data[index..<(index + count)].elementsEqual($0) }
    }

    private static func contains(_ bytes: ArraySlice<UInt8>, _ literal: String) -> Bool {
        let needle = Array(literal.utf8)
        guard bytes.count >= needle.count else { return false }
        for start in bytes.startIndex...(bytes.endIndex - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// Where `literal` next starts at or after `from` (or the end).
    private static func find(_ data: [UInt8], from: Int, _ literal: StaticString) -> Int {
        var index = from
        while index < data.count {
            if data[index] == literal.utf8Start.pointee && self.startsWith(data, index, literal) { return index }
            index += 1
        }
        return data.count
    }

    /// The position after the next `literal` at or after `from` (or the end), reporting each byte passed.
    private static func skip(_ data: [UInt8], from: Int, past literal: StaticString, passing: (Int) -> Void) -> Int {
        let end = self.find(data, from: from, literal)
        for position in min(from, data.count)..<end { passing(position) }
        return min(end + literal.utf8CodeUnitCount, data.count)
    }
}
