import GuardDutyModel

/// UnauthorizedAccess:EC2/SSHBruteForce and RDPBruteForce: at least `bruteForceAttempts` TCP connections to port 22
/// (SSH) or 3389 (RDP) in one window between the same local and remote address, opened by either side (the remote
/// attacking the instance: Low, the target; the instance attacking: High, the actor), within any sliding span of a
/// window's length. Connections are counted by the opener's distinct ports, so one long session logged every minute
/// is one connection, not ten.
final class BruteForceRule: FlowWindowRule {
    let findingTypes: [FindingType] = [.unauthorizedAccessEC2SSHBruteForce, .unauthorizedAccessEC2RDPBruteForce]

    /// An attempt: a TCP connection to 22 or 3389, and whether the instance was the one attacked.
    struct Attempt {
        var connection: Connection
        var inbound: Bool
    }

    /// Attempts per (interface, local, remote, port, direction).
    func judge(_ window: FlowWindow, in context: RuleContext) {
        let threshold = context.thresholds.bruteForceAttempts
        let less = ConnectionGrouping.less
        let buffered =
            window.remoteAccessInbound.map { Attempt(connection: $0, inbound: true) }
            + window.remoteAccessOutbound.map { Attempt(connection: $0, inbound: false) }
        let attempts = context.grouping.candidates(buffered, atLeast: threshold) {
            ConnectionGrouping.fingerprint(
                UInt64(UInt32(bitPattern: $0.connection.interface)) << 17 | UInt64($0.connection.port) << 1 | ($0.inbound ? 1 : 0),
                $0.connection.local, $0.connection.remote)
        }.sorted {
            let a = ($0.connection.interface, $0.connection.port, $0.inbound ? 1 : 0)
            let b = ($1.connection.interface, $1.connection.port, $1.inbound ? 1 : 0)
            return a != b
                ? a < b
                : $0.connection.local != $1.connection.local
                    ? less($0.connection.local, $1.connection.local)
                    : $0.connection.remote != $1.connection.remote
                        ? less($0.connection.remote, $1.connection.remote) : $0.connection.clientPort < $1.connection.clientPort
        }
        ConnectionGrouping.runs(
            attempts,
            sameGroup: {
                $0.connection.interface == $1.connection.interface && $0.connection.port == $1.connection.port && $0.inbound == $1.inbound
                    && $0.connection.local == $1.connection.local && $0.connection.remote == $1.connection.remote
            },
            each: { run in
                guard
                    let busiest = ConnectionGrouping.busiestSpan(
                        run, seconds: context.thresholds.windowSeconds, from: window.judgedFrom, time: \.connection.start, include: { _ in true },
                        value: { UInt64($0.connection.clientPort) }),
                    busiest.count >= threshold, let first = busiest.span.first
                else { return }
                self.report(first, count: busiest.count, in: context)
            })
    }

    func report(_ first: Attempt, count: Int, in context: RuleContext) {
        let minutes = context.thresholds.windowSeconds / 60
        let port = Int(first.connection.port)
        let inbound = first.inbound
        let (local, remote) = (first.connection.local, first.connection.remote)
        let service = port == 22 ? "SSH" : "RDP"
        var observation = context.flowObservation(
            port == 22 ? .unauthorizedAccessEC2SSHBruteForce : .unauthorizedAccessEC2RDPBruteForce, record: context.record(first.connection),
            local: local, remote: remote, inbound: inbound,
            localPort: inbound ? port : 0, remotePort: inbound ? 0 : port, key: "\(remote)",
            description: inbound
                ? "\(remote) is performing \(service) brute force attacks against \(local): \(count) connection attempts in \(minutes) minutes."
                : "\(local) is performing \(service) brute force attacks against \(remote): \(count) connection attempts in \(minutes) minutes.",
            role: inbound ? "TARGET" : "ACTOR", weight: count
        )
        // GuardDuty rates it High when the instance is the attacker.
        if !inbound { observation.severity = 8 }
        context.add(observation)
    }
}
