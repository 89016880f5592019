/// One TCP/UDP conversation as the generator models it: who opened it, to whom, when, for how long and how much.
struct CorpusConnection: Sendable {
    var initiator: String
    var initiatorPort: Int
    var responder: String
    var responderPort: Int
    /// 6 TCP, 17 UDP, 1 ICMP.
    var transport: Int = 6
    var start: Int64
    var duration: Int64
    var forwardPackets: Int
    var forwardBytes: Int
    /// 0 when nothing answers (an unanswered SYN, a dropped probe).
    var replyPackets: Int
    var replyBytes: Int
    /// REJECT: the security group or network ACL dropped the first packet (no reply is logged).
    var accepted = true
    /// Whether the opener's first packet is a SYN and the exchange ends with FIN (else RST when the reply resets).
    var reset = false
    /// AWS service of the remote side (pkt-src/dst-aws-service), e.g. "S3", "AMAZON", "EC2".
    var remoteService: String? = nil

    /// A completed HTTPS-like session: handshake, request, response, close.
    static func session(
        from initiator: String, _ initiatorPort: Int, to responder: String, _ port: Int, at start: Int64, duration: Int64 = 2,
        sent: Int, received: Int
    ) -> CorpusConnection {
        let forwardPackets = max(6, sent / 1200 + 5)
        let replyPackets = max(6, received / 1400 + 4)
        return CorpusConnection(
            initiator: initiator, initiatorPort: initiatorPort, responder: responder, responderPort: port, start: start, duration: duration,
            forwardPackets: forwardPackets, forwardBytes: sent + forwardPackets * 52, replyPackets: replyPackets,
            replyBytes: received + replyPackets * 52)
    }

    /// A SYN attempt: one or two packets of 40–60 bytes; answered by a reset when `reset`, else unanswered.
    static func attempt(from initiator: String, _ initiatorPort: Int, to responder: String, _ port: Int, at start: Int64, reset: Bool)
        -> CorpusConnection
    {
        CorpusConnection(
            initiator: initiator, initiatorPort: initiatorPort, responder: responder, responderPort: port, start: start, duration: reset ? 0 : 1,
            forwardPackets: reset ? 1 : 2, forwardBytes: reset ? 44 : 104, replyPackets: reset ? 1 : 0, replyBytes: reset ? 40 : 0,
            reset: reset)
    }

    /// A UDP request and its answer (DNS, NTP).
    static func datagram(from initiator: String, _ initiatorPort: Int, to responder: String, _ port: Int, at start: Int64, sent: Int, received: Int)
        -> CorpusConnection
    {
        CorpusConnection(
            initiator: initiator, initiatorPort: initiatorPort, responder: responder, responderPort: port, transport: 17, start: start, duration: 0,
            forwardPackets: 1, forwardBytes: sent + 28, replyPackets: 1, replyBytes: received + 28)
    }
}
