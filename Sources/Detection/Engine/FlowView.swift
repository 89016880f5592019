import ThreatLists

/// One flow record as the flow rules read it: where it lies (copies of the 144-byte record were 4 – 7 % of a flow
/// scan's profile), which side is ours, who opened the connection, and the address lists' answer for the remote side.
/// Fields ordered to pack.
struct FlowView {
    var local: IPAddress
    /// The address lists' answer for `remote` (0: on none).
    var answer: UInt32
    /// The record's traffic goes from the remote side to ours (it says nothing of who opened the connection).
    var inbound: Bool
    /// This record's window is newer than any before it: the windows two behind it close (logs arrive in time order,
    /// with some overlap between files).
    var advances: Bool
    /// The record's source opened the connection: the record is the request direction, not the answer.
    var sourceInitiated: Bool
    /// How sure `sourceInitiated` is (see `Initiator`).
    var confidence: Initiator.Confidence
    var remote: IPAddress
    var record: UnsafePointer<FlowRecord>

    var localPort: Int { self.inbound ? self.record.pointee.destinationPort : self.record.pointee.sourcePort }
    var remotePort: Int { self.inbound ? self.record.pointee.sourcePort : self.record.pointee.destinationPort }
    /// Our side opened the connection (whichever direction this record's traffic goes).
    var initiatedLocally: Bool { self.sourceInitiated != self.inbound }
    /// Our instance opened the connection and this record carries its traffic out (not the answer).
    var isLocalRequest: Bool { self.sourceInitiated && !self.inbound }
}
