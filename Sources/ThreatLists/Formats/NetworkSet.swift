import GuardDutyModel

/// Normalisation of a set of networks.
public enum NetworkSet {
    /// Sorted, without duplicates and without networks contained in another network of the set.
    public static func normalise(_ networks: [IPNetwork]) -> [IPNetwork] {
        // Sort by start address, widest first, so a container comes before what it contains: IPv4 as plain integers
        // (address, then prefix), IPv6 after it.
        var v4: [UInt64] = []
        var v6: [IPNetwork] = []
        v4.reserveCapacity(networks.count)
        for network in networks {
            switch network {
            case .v4(let address, let prefix): v4.append(UInt64(address) << 8 | UInt64(prefix))
            case .v6: v6.append(network)
            }
        }
        RadixSort.sort(&v4)
        v6.sort { lhs, rhs in
            guard case .v6(let a, let p) = lhs, case .v6(let b, let q) = rhs else { return false }
            return a == b ? p < q : a < b
        }
        let sorted = v4.map { IPNetwork.v4(address: UInt32(truncatingIfNeeded: $0 >> 8), prefix: UInt8(truncatingIfNeeded: $0)) } + v6
        var result: [IPNetwork] = []
        result.reserveCapacity(sorted.count)
        var lastV4End: UInt32?
        var lastV6End: UInt128?
        for network in sorted {
            switch network {
            case .v4:
                let range = network.v4Range!
                if let end = lastV4End, range.upperBound <= end { continue }
                lastV4End = range.upperBound
            case .v6:
                let range = network.v6Range!
                if let end = lastV6End, range.upperBound <= end { continue }
                lastV6End = range.upperBound
            }
            result.append(network)
        }
        return result
    }
}
