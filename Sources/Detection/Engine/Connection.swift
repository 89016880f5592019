import ThreatLists

/// One connection as the window rules need it, kept compact: buffered per window and judged when the window closes,
/// so memory follows the records of the open windows only.
struct Connection {
    var interface: Int32
    var instance: Int32
    var account: Int32
    /// The destination port.
    var port: UInt16
    var accepted: Bool
    var isTCP: Bool
    var start: Int64
    var local: IPAddress
    var remote: IPAddress
}
