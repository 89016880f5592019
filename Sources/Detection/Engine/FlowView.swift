import ThreatLists

/// One flow record as the flow rules read it: where it lies (copies of the 144-byte record were 4 – 7 % of a flow
/// scan's profile), which side is ours, and the address lists' answer for the remote side. Fields ordered to pack.
struct FlowView {
    var local: IPAddress
    /// The address lists' answer for `remote` (0: on none).
    var answer: UInt32
    var inbound: Bool
    /// This record's window is newer than any before it: the windows two behind it close (logs arrive in time order,
    /// with some overlap between files).
    var advances: Bool
    var remote: IPAddress
    var record: UnsafePointer<FlowRecord>

    var localPort: Int { self.inbound ? self.record.pointee.destinationPort : self.record.pointee.sourcePort }
    var remotePort: Int { self.inbound ? self.record.pointee.sourcePort : self.record.pointee.destinationPort }
}
