/// Who opened a connection, judged from one of its flow records. VPC Flow Logs write one record per direction, and a
/// server's answers to a client are records *from* the server's port *to* the client's ephemeral port: a rule that
/// read every record as "the source connects to the destination's port" would see a busy web server connect out to
/// thousands of unusual ports. The rules ask who initiated, and how sure that is:
/// - `certain`: v3+ `tcp-flags` carry SYN (the source opened it) or SYN-ACK (the source answered);
/// - `likely`: the ports rank differently — a system port (< 1024) or a well-known service port is the listening
///   side against a registered or ephemeral one; a registered port (< 32768) listens against an ephemeral one;
/// - `guess`: both ports rank alike (or there are no ports): the lower port is taken for the listening one.
struct Initiator {
    enum Confidence: UInt8, Comparable {
        case guess, likely, certain

        static func < (a: Confidence, b: Confidence) -> Bool { a.rawValue < b.rawValue }
    }

    /// Whether the record's source opened the connection.
    var sourceInitiated: Bool
    var confidence: Confidence

    /// AWS's `tcp-flags` bits.
    static let syn: Int16 = 2
    static let synAck: Int16 = 18

    /// Ports services listen on above 1023, which rank with the system ports (a client's ephemeral port is rarely one).
    static let servicePorts: Set<Int> = [
        1080, 1194, 1433, 1521, 1723, 1883, 2049, 2375, 2376, 2379, 2380, 3128, 3306, 3333, 3389, 4444, 4500, 5060, 5222, 5432, 5601, 5671,
        5672, 5900, 5985, 5986, 6379, 6443, 6660, 6661, 6662, 6663, 6664, 6665, 6666, 6667, 6668, 6669, 6697, 7000, 7001, 8000, 8008,
        8080, 8081, 8086, 8088, 8443, 8883, 8888, 9000, 9001, 9030, 9042, 9050, 9090, 9092, 9093, 9100, 9200, 9300, 9418, 10250,
        11211, 14444, 15672, 27017, 27018,
    ]

    /// `servicePorts` as one bit per port (a lookup per record without hashing).
    static let serviceBits: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        for port in Self.servicePorts { bits[port >> 6] |= 1 << UInt64(port & 63) }
        return bits
    }()

    /// How strongly a port looks like the listening side: 0 system, 1 well-known service, 2 registered, 3 ephemeral.
    @inline(__always)
    static func rank(_ port: Int) -> Int {
        if port < 1024 { return 0 }
        let service = port <= 65_535 && Self.serviceBits[port >> 6] & (1 << UInt64(port & 63)) != 0
        if service { return 1 }
        return port >= 32_768 ? 3 : 2
    }

    @inline(__always)
    static func of(_ record: UnsafePointer<FlowRecord>) -> Initiator {
        let flags = record.pointee.tcpFlags
        let isTCP = record.pointee.protocolNumber == 6
        if isTCP && flags >= 0 {
            if flags & Self.synAck == Self.synAck { return Initiator(sourceInitiated: false, confidence: .certain) }
            if flags & Self.syn != 0 { return Initiator(sourceInitiated: true, confidence: .certain) }
        }
        guard isTCP || record.pointee.protocolNumber == 17 else { return Initiator(sourceInitiated: true, confidence: .guess) }
        let source = record.pointee.sourcePort
        let destination = record.pointee.destinationPort
        let sourceRank = Self.rank(source)
        let destinationRank = Self.rank(destination)
        if sourceRank != destinationRank {
            // The better-ranked port listens; ranks 0/1 against each other are close (a client rarely takes a port below 1024).
            let close = (sourceRank <= 1 && destinationRank <= 1)
            return Initiator(sourceInitiated: destinationRank < sourceRank, confidence: close ? .guess : .likely)
        }
        return Initiator(sourceInitiated: destination <= source, confidence: .guess)
    }
}
