/// Reading records: single fields by path (allocation-light, for lookups) and whole values (for tests and checks).
extension MMDBReader {
    /// The values under each of `keys` in the record's top-level map, found in one pass (nil: absent or unreadable);
    /// read further with the path readers and an empty or shorter path.
    public func fields(_ record: MMDBRecord, _ keys: [String]) -> [MMDBRecord?] {
        guard let offsets = try? self.data.members(keys, ofMapAt: record.offset) else { return Array(repeating: nil, count: keys.count) }
        return offsets.map { $0.map { MMDBRecord(offset: $0, prefixLength: record.prefixLength) } }
    }

    /// The string at `path` in `record` (e.g. ["country", "iso_code"]); nil when absent, another type, or unreadable.
    public func string(_ record: MMDBRecord, _ path: [String]) -> String? {
        guard let offset = try? self.data.offset(of: path, from: record.offset) else { return nil }
        return try? self.data.string(at: offset)
    }

    /// The number at `path` (double, float, integer, or a decimal string).
    public func number(_ record: MMDBRecord, _ path: [String]) -> Double? {
        guard let offset = try? self.data.offset(of: path, from: record.offset) else { return nil }
        return try? self.data.number(at: offset)
    }

    /// The unsigned integer at `path`.
    public func unsigned(_ record: MMDBRecord, _ path: [String]) -> UInt64? {
        guard let offset = try? self.data.offset(of: path, from: record.offset) else { return nil }
        return try? self.data.unsigned(at: offset)
    }

    /// Whether `path` leads to a value at all (a map is tried, a string and others are not).
    public func contains(_ record: MMDBRecord, _ path: [String]) -> Bool {
        ((try? self.data.offset(of: path, from: record.offset)) ?? nil) != nil
    }

    /// The whole record, decoded.
    public func value(_ record: MMDBRecord) throws(MMDBError) -> MMDBValue {
        var budget = MMDBDecoder.itemBudget
        return try self.data.value(at: record.offset, depth: 0, budget: &budget).0
    }

    /// Checks the whole file: a search tree in which every node is reached
    /// from the root, no path is longer than the address bits (so no cycle) and every record points to a node, to "not
    /// found", or to a data record that decodes completely; the 16 zero bytes between tree and data; then the metadata's
    /// description and languages (`verifyMetadata`). Linear in the
    /// file (each node and each distinct record once); throws at the first fault. Opening checks far less, so that a
    /// large database opens at once; this is for tests and for checking a file before it is used.
    public func verify() throws(MMDBError) {
        let separator = self.data.start - 16
        guard self.bytes[separator..<self.data.start].allSatisfy({ $0 == 0 }) else {
            throw MMDBError("the 16 bytes between the search tree and the data section are not zero")
        }
        var heights = [Int8](repeating: -1, count: self.nodeCount)
        var budget = MMDBDecoder.itemBudget * 16
        var decoded = Set<Int>()
        let bits = self.metadata.ipVersion == 6 ? 128 : 32
        _ = try self.height(of: 0, depth: 0, bits: bits, heights: &heights, decoded: &decoded, budget: &budget)
        if let orphan = heights.firstIndex(of: -1) { throw MMDBError("search tree node \(orphan) is not reached from the root") }
        try self.verifyMetadata()
    }

    /// The metadata fields a reader does not need to open the file but a well-formed file has: a description map that is
    /// not empty (the rule of MaxMind's Go reader's verifier; libmaxminddb does not ask it), languages that are strings.
    func verifyMetadata() throws(MMDBError) {
        let markerEnd = self.data.end + Self.metadataMarker.count
        let decoder = MMDBDecoder(bytes: self.bytes, start: markerEnd, end: self.bytes.count)
        var budget = MMDBDecoder.itemBudget
        let metadata = try decoder.value(at: markerEnd, depth: 0, budget: &budget).0
        guard case .map(let description) = metadata["description"], !description.isEmpty,
            description.values.allSatisfy({ $0.stringValue != nil })
        else { throw MMDBError("the metadata's description is not a non-empty map of strings") }
        guard case .array(let languages) = metadata["languages"], languages.allSatisfy({ $0.stringValue != nil }) else {
            throw MMDBError("the metadata's languages are not an array of strings")
        }
        guard !self.metadata.databaseType.isEmpty else { throw MMDBError("the metadata's database_type is empty") }
    }

    /// The longest path below `node` (memoised in `heights`), checking every record on the way.
    private func height(
        of node: Int, depth: Int, bits: Int, heights: inout [Int8], decoded: inout Set<Int>, budget: inout Int
    ) throws(MMDBError) -> Int {
        guard depth < bits else { throw MMDBError("the search tree is deeper than \(bits) bits (or has a cycle) at node \(node)") }
        if heights[node] >= 0 {
            guard depth + Int(heights[node]) < bits else { throw MMDBError("the search tree is deeper than \(bits) bits at node \(node)") }
            return Int(heights[node])
        }
        var height = 0
        for right in [false, true] {
            let value = Self.record(self.bytes, node: node, right: right, nodeBytes: self.nodeBytes)
            if value < self.nodeCount {
                let below = try self.height(of: value, depth: depth + 1, bits: bits, heights: &heights, decoded: &decoded, budget: &budget)
                height = max(height, below + 1)
            } else if value > self.nodeCount {
                guard let offset = self.dataOffset(forRecord: value) else {
                    throw MMDBError("node \(node) points to \(value), outside the data section")
                }
                if decoded.insert(offset).inserted { _ = try self.data.value(at: offset, depth: 0, budget: &budget) }
            }
        }
        heights[node] = Int8(height)
        return height
    }
}
