/// The little XML that S3 and STS answer with, read without a DOM: the text of named elements, in document order,
/// each with the name of the element that encloses it (`Contents`, `CommonPrefixes`, `Error`, `Credentials`).
/// Entities are decoded; anything it does not understand (comments, CDATA, attributes) is skipped, never trusted.
struct XMLElements {
    /// `(parent, its serial number, name, text)` of every element that holds text only.
    private(set) var leaves: [(parent: String, serial: Int, name: String, text: String)] = []

    init(_ bytes: [UInt8]) {
        var stack: [String] = []
        var serials: [Int] = []
        var opened = 0
        var textStart: Int?
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            var end = index + 1
            while end < count && bytes[end] != UInt8(ascii: ">") { end += 1 }
            guard end < count else { break }
            let tag = bytes[(index + 1)..<end]
            if tag.first == UInt8(ascii: "/") {
                let name = Self.name(tag.dropFirst())
                if let start = textStart, stack.last == name {
                    let parent = stack.count >= 2 ? stack[stack.count - 2] : ""
                    let serial = serials.count >= 2 ? serials[serials.count - 2] : 0
                    self.leaves.append((parent, serial, name, Self.decode(bytes[start..<index])))
                }
                textStart = nil
                if let position = stack.lastIndex(of: name) {
                    stack.removeSubrange(position...)
                    serials.removeSubrange(position...)
                }
            } else if tag.first == UInt8(ascii: "?") || tag.first == UInt8(ascii: "!") {
                textStart = nil
            } else if tag.last == UInt8(ascii: "/") {
                // <Empty/>: an empty value.
                self.leaves.append((stack.last ?? "", serials.last ?? 0, Self.name(tag.dropLast()), ""))
                textStart = nil
            } else {
                opened += 1
                stack.append(Self.name(tag))
                serials.append(opened)
                textStart = end + 1
            }
            index = end + 1
        }
    }

    /// The first text of `name` (anywhere).
    func first(_ name: String) -> String? { self.leaves.first { $0.name == name }?.text }

    /// The texts of `name` directly inside `parent`, in order.
    func all(_ name: String, in parent: String) -> [String] { self.leaves.filter { $0.parent == parent && $0.name == name }.map(\.text) }

    /// For each `parent` element, its leaves by name (each `Contents` → Key, ETag, Size, LastModified).
    func groups(_ parent: String) -> [[String: String]] {
        var groups: [[String: String]] = []
        var serial = -1
        for leaf in self.leaves where leaf.parent == parent {
            if leaf.serial != serial {
                groups.append([:])
                serial = leaf.serial
            }
            groups[groups.count - 1][leaf.name] = leaf.text
        }
        return groups
    }

    private static func name(_ tag: ArraySlice<UInt8>) -> String {
        let end = tag.firstIndex { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 || $0 == UInt8(ascii: "/") } ?? tag.endIndex
        return String(decoding: tag[tag.startIndex..<end], as: UTF8.self)
    }

    /// Text with XML's five named entities and numeric references decoded.
    static func decode(_ text: ArraySlice<UInt8>) -> String {
        let raw = String(decoding: text, as: UTF8.self)
        guard raw.contains("&") else { return raw }
        var result = ""
        var rest = Substring(raw)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].prefix(12).firstIndex(of: ";") else {
                result += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let hex = entity.hasPrefix("#x") || entity.hasPrefix("#X")
                let digits = entity.dropFirst(hex ? 2 : 1)
                if entity.hasPrefix("#"), let value = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(value) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += "&\(entity);"
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }
}
