/// The connections of one window (`start` is the window's number: record time / window length), kept in the lists
/// the window rules read, so that each rule groups only what it can use.
///
/// As the window rules see it when it closes, the attempt and remote-access lists also hold the window before it
/// (when that one was seen), so that the rules judge sliding spans of a window's length: a burst straddling hh:m0 is
/// counted whole. `judgedFrom` is the closing window's first second: spans that end before it were judged with the
/// window before. `outbound` is the closing window's alone (`earlierOutbound` is the one before: kept apart, as it is
/// by far the largest list and most rules do not read it).
struct FlowWindow {
    var start: Int64
    /// Every connection our instance opened.
    var outbound: [Connection] = []
    /// The window before's `outbound`, when the window is judged as part of a span.
    var earlierOutbound: [Connection] = []
    /// Attempts (see `Connection.isAttempt`) our instance opened, and probes (`Connection.isProbe`) opened to it.
    var outboundAttempts: [Connection] = []
    var inboundProbes: [Connection] = []
    /// TCP connections to SSH's or RDP's port, opened by our instance and opened to it.
    var remoteAccessOutbound: [Connection] = []
    var remoteAccessInbound: [Connection] = []
    var judgedFrom: Int64 = .min

    /// Adds a connection to the lists it belongs in.
    @inline(__always)
    mutating func add(_ connection: Connection, openedByUs: Bool) {
        let remoteAccess = connection.isTCP && (connection.port == 22 || connection.port == 3389)
        if openedByUs {
            self.outbound.append(connection)
            if connection.isAttempt { self.outboundAttempts.append(connection) }
            if remoteAccess { self.remoteAccessOutbound.append(connection) }
        } else {
            if connection.isProbe { self.inboundProbes.append(connection) }
            if remoteAccess { self.remoteAccessInbound.append(connection) }
        }
    }

    /// This window judged as a span with `earlier`, the window before it.
    func span(after earlier: FlowWindow?, windowSeconds: Int64) -> FlowWindow {
        var span = self
        span.judgedFrom = self.start * windowSeconds
        guard let earlier, earlier.start == self.start - 1 else { return span }
        span.earlierOutbound = earlier.outbound
        span.outboundAttempts = earlier.outboundAttempts + self.outboundAttempts
        span.inboundProbes = earlier.inboundProbes + self.inboundProbes
        span.remoteAccessOutbound = earlier.remoteAccessOutbound + self.remoteAccessOutbound
        span.remoteAccessInbound = earlier.remoteAccessInbound + self.remoteAccessInbound
        return span
    }
}
