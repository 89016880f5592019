/// Where the agent is in one file: the file's identity (device and inode, so a rename keeps it and a
/// replacement is a new file) and the offset of the first byte not yet analysed.
public struct FileCursor: Codable, Sendable, Equatable {
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    public var offset: Int64

    var key: String { "\(self.device):\(self.inode)" }
}
