/// Where the agent is in one file: the file's identity (device and inode, so a rename keeps it and a
/// replacement is a new file) and the offset of the first byte not yet analysed.
public struct FileCursor: Codable, Sendable, Equatable {
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    public var offset: Int64
    /// Set when a whole-document file (gzip) could not be read at this size and was given up on (counted once as
    /// malformed): it is tried again only if its size changes, after a restart too.
    public var unreadable: Bool?

    var key: String { "\(self.device):\(self.inode)" }
}
