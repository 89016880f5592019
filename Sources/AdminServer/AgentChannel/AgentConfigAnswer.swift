import NIOCore

/// An agent's effective configuration as answered: its version (the ETag, and what a long poll compares) and the
/// encoded body, shared by every agent of the account between two changes.
struct AgentConfigAnswer: Sendable {
    var version: Int
    var body: ByteBuffer
}
