/// An encoded findings batch whose findings' ids can be replaced without encoding it again: each id (fixed width,
/// written twice in its finding: `id` and `arn`) is found once, and new ids of the same width are written over it.
struct BatchTemplate {
    let body: [UInt8]
    /// For each finding of the template, the offsets where its id is written.
    let places: [[Int]]
    let width: Int

    init(body: [UInt8], ids: [String]) {
        self.body = body
        self.width = ids.first?.utf8.count ?? 0
        // The findings come in order, so each id is looked for after the previous one's places.
        var cursor = 0
        var places: [[Int]] = []
        for id in ids {
            let needle = Array(id.utf8)
            var found: [Int] = []
            while found.count < 2, cursor + needle.count <= body.count {
                if body[cursor] == needle[0], body[cursor..<(cursor + needle.count)].elementsEqual(needle) {
                    found.append(cursor)
                    cursor += needle.count
                } else {
                    cursor += 1
                }
            }
            places.append(found)
        }
        self.places = places
    }

    /// The batch with the template's ids replaced by `ids` (same count and width).
    func stamped(_ ids: [String]) -> [UInt8] {
        var body = self.body
        for (places, id) in zip(self.places, ids) {
            let bytes = Array(id.utf8)
            precondition(bytes.count == self.width, "a stamped id must have the template's width")
            for start in places { body.replaceSubrange(start..<(start + self.width), with: bytes) }
        }
        return body
    }
}
