/// The metadata map at the end of a MaxMind DB file, with the fields a reader needs checked for type and range.
public struct MMDBMetadata: Sendable, Equatable {
    public let nodeCount: Int
    public let recordSize: Int
    public let ipVersion: Int
    public let databaseType: String
    public let buildEpoch: UInt64
    public let languages: [String]

    /// Reads the fields from the decoded metadata map; throws naming the first missing or invalid one.
    init(_ value: MMDBValue) throws(MMDBError) {
        guard case .map = value else { throw MMDBError("the metadata is not a map") }
        guard value["binary_format_major_version"]?.unsignedValue == 2 else {
            throw MMDBError("binary_format_major_version is not 2 (the only format this reader knows)")
        }
        guard let nodeCount = value["node_count"]?.unsignedValue, nodeCount > 0, nodeCount < UInt64(UInt32.max) else {
            throw MMDBError("node_count is missing or not a positive 32-bit number")
        }
        guard let recordSize = value["record_size"]?.unsignedValue, [24, 28, 32].contains(recordSize) else {
            throw MMDBError("record_size is missing or not 24, 28 or 32")
        }
        guard let ipVersion = value["ip_version"]?.unsignedValue, ipVersion == 4 || ipVersion == 6 else {
            throw MMDBError("ip_version is missing or not 4 or 6")
        }
        guard let databaseType = value["database_type"]?.stringValue else { throw MMDBError("database_type is missing or not a string") }
        guard let buildEpoch = value["build_epoch"]?.unsignedValue else { throw MMDBError("build_epoch is missing or not a number") }
        self.nodeCount = Int(nodeCount)
        self.recordSize = Int(recordSize)
        self.ipVersion = Int(ipVersion)
        self.databaseType = databaseType
        self.buildEpoch = buildEpoch
        if case .array(let names) = value["languages"] { self.languages = names.compactMap(\.stringValue) } else { self.languages = [] }
    }
}
