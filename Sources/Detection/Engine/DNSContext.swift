/// What the engine works out once per DNS query for all DNS rules: the name normalised (lower case, no trailing dot),
/// the account, region and instance it belongs to. Handed to the rules next to the query.
struct DNSContext {
    let name: String
    let account: String
    let region: String
    /// The instance id, else the source address, else "unknown".
    let instance: String

    /// The name's UTF-8 bytes, read in place (no copy of the string).
    @inline(__always)
    func withNameBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = self.name.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self.name
        return copy.withUTF8(body)
    }
}
