/// The connections of one window (`start` is the window's number: record time / window length).
struct FlowWindow {
    var start: Int64
    var outbound: [Connection] = []
    var inbound: [Connection] = []
}
