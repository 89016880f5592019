/// The connections of one window (`start` is the window's number: record time / window length), by who opened them.
struct FlowWindow {
    var start: Int64
    /// Opened by our instance.
    var outbound: [Connection] = []
    /// Opened by the remote side.
    var inbound: [Connection] = []
}
