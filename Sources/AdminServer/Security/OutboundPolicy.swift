import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an outbound request was not made, in words that name the host and the rule but carry nothing the far
/// side sent.
public struct OutboundRefusal: Error, CustomStringConvertible {
    public let description: String
}

/// Where the server itself may connect on behalf of an account (list files, webhooks): public addresses only,
/// unless the operator names internal networks with `--allow-fetch-from`. Addresses are checked after the name
/// is resolved, once, and the connection is made to the address that was checked (no DNS rebinding).
public struct OutboundPolicy: Sendable {
    /// Networks the operator allows even though they are internal (`--allow-fetch-from`).
    public var allowed: [IPNetwork]

    public init(allowed: [IPNetwork] = []) {
        self.allowed = allowed
    }

    /// Networks no account may reach through the server, with the name used in refusals.
    static let forbidden: [(IPNetwork, String)] = [
        ("0.0.0.0/8", "unspecified"), ("10.0.0.0/8", "private (RFC 1918)"), ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local"), ("172.16.0.0/12", "private (RFC 1918)"),
        ("192.0.0.0/24", "IETF protocol assignments"), ("192.168.0.0/16", "private (RFC 1918)"), ("198.18.0.0/15", "benchmarking"),
        ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"), ("::1/128", "loopback"), ("fe80::/10", "link-local"), ("fc00::/7", "unique local (private)"),
        ("ff00::/8", "multicast"), ("fec0::/10", "site-local"),
    ].map { (IPNetwork($0.0)!, $0.1) }

    /// IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4): judged by the IPv4 address inside.
    static func embeddedIPv4(_ address: [UInt8]) -> [UInt8]? {
        guard address.count == 16 else { return nil }
        if address[0..<10].allSatisfy({ $0 == 0 }) && address[10] == 0xFF && address[11] == 0xFF { return Array(address[12..<16]) }
        // IPv4-translated ::ffff:0:a.b.c.d (RFC 2765)
        if address[0..<8].allSatisfy({ $0 == 0 }) && address[8] == 0xFF && address[9] == 0xFF && address[10] == 0 && address[11] == 0 {
            return Array(address[12..<16])
        }
        // Local-use NAT64 64:ff9b:1::/48 (RFC 8215): the IPv4 address is in the last 32 bits.
        if address[0] == 0x00 && address[1] == 0x64 && address[2] == 0xFF && address[3] == 0x9B && address[4] == 0 && address[5] == 1 {
            return Array(address[12..<16])
        }
        if address[0..<12].allSatisfy({ $0 == 0 }) { return Array(address[12..<16]) }  // IPv4-compatible ::a.b.c.d
        if address[0] == 0x00 && address[1] == 0x64 && address[2] == 0xFF && address[3] == 0x9B && address[4..<12].allSatisfy({ $0 == 0 }) {
            return Array(address[12..<16])  // 64:ff9b::/96
        }
        if address[0] == 0x20 && address[1] == 0x02 { return Array(address[2..<6]) }  // 2002::/16
        return nil
    }

    /// nil when the address may be reached, else the class it belongs to.
    public func refusal(for address: [UInt8]) -> String? {
        if self.allowed.contains(where: { $0.contains(address) }) { return nil }
        for (network, name) in Self.forbidden where network.contains(address) {
            return name
        }
        if let inner = Self.embeddedIPv4(address) { return self.refusal(for: inner) }
        return nil
    }

    /// Resolves `host` once and checks every address it has; returns the address to connect to.
    public func resolve(host: String) async throws -> String {
        let trimmed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses: [[UInt8]]
        if let literal = IPNetwork.parseAddress(trimmed) {
            addresses = [literal]
        } else {
            addresses = try await Self.lookUp(trimmed)
        }
        guard let first = addresses.first else {
            throw OutboundRefusal(description: "host \(Self.printable(host)) has no address")
        }
        for address in addresses {
            if let reason = self.refusal(for: address) {
                throw OutboundRefusal(
                    description:
                        "refused: host \(Self.printable(host)) resolves to \(IPNetwork.format(address)), a \(reason) address, and the server is not allowed to connect there (an operator can allow a network with --allow-fetch-from)"
                )
            }
        }
        return IPNetwork.format(first)
    }

    /// A host name shortened and stripped of control characters, for messages.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(100).map(Character.init))
    }

    /// getaddrinfo on a thread of its own (it blocks).
    static func lookUp(_ host: String) async throws -> [[UInt8]] {
        guard !host.isEmpty, host.utf8.count <= 253 else { throw OutboundRefusal(description: "the URL has no valid host") }
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var hints = addrinfo()
                hints.ai_family = AF_UNSPEC
                #if canImport(Glibc)
                    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                #else
                    hints.ai_socktype = SOCK_STREAM
                #endif
                var result: UnsafeMutablePointer<addrinfo>?
                let status = getaddrinfo(host, nil, &hints, &result)
                guard status == 0, let first = result else {
                    continuation.resume(throwing: OutboundRefusal(description: "host \(printable(host)) could not be resolved"))
                    return
                }
                defer { freeaddrinfo(first) }
                var addresses: [[UInt8]] = []
                var cursor: UnsafeMutablePointer<addrinfo>? = first
                while let entry = cursor {
                    if let socketAddress = entry.pointee.ai_addr {
                        if entry.pointee.ai_family == AF_INET {
                            let v4 = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                            addresses.append(withUnsafeBytes(of: v4) { Array($0) })
                        } else if entry.pointee.ai_family == AF_INET6 {
                            let v6 = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                            addresses.append(withUnsafeBytes(of: v6) { Array($0) })
                        }
                    }
                    cursor = entry.pointee.ai_next
                }
                var seen = Set<[UInt8]>()
                continuation.resume(returning: addresses.filter { seen.insert($0).inserted })
            }
        }
    }
}
