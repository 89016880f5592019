import ThreatLists

/// One connection attempt or session as the window rules need it — the request direction of a flow record, the
/// answers left out — kept compact: buffered per window and judged when the window closes, so memory follows the
/// records of the open windows only.
struct Connection {
    var interface: Int32
    var instance: Int32
    var account: Int32
    /// The listening side's port (the remote's for a connection we opened, ours for one opened to us).
    var port: UInt16
    /// The opening side's port (a client's ephemeral port): distinct ones are distinct connections.
    var clientPort: UInt16
    var accepted: Bool
    var protocolNumber: UInt8
    var confidence: Initiator.Confidence
    /// Packets and bytes the opening side sent in this record (saturated at Int32.max).
    var packets: Int32
    var bytes: Int32
    /// The record's `tcp-flags` (-1: not logged).
    var tcpFlags: Int16
    /// Seconds the record's interval covers (end − start, at most 65,535).
    var duration: UInt16
    var start: Int64
    var local: IPAddress
    var remote: IPAddress

    var isTCP: Bool { self.protocolNumber == 6 }

    /// An attempt, not a session carrying data: refused, or at most four small packets (a SYN and its retries, a
    /// SYN then RST, a connect-and-close) — and, when the flags are logged, one that opened in this record (the
    /// closing FIN of a session logged in the next interval is small too, but is no attempt).
    var isAttempt: Bool {
        if !self.accepted { return true }
        if self.isTCP && self.tcpFlags >= 0 && self.tcpFlags & Initiator.syn == 0 { return false }
        return self.packets <= 4 && Int(self.bytes) <= Int(self.packets) * 80
    }

    /// A probe of a port opened to us: refused, or short — at most ten packets and 2 KB, which covers a scanner that
    /// reads a banner or sends one request; a client using the service exchanges more.
    var isProbe: Bool { !self.accepted || (self.packets <= 10 && self.bytes <= 2_048) }
}
