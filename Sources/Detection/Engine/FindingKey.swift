import ThreatLists

/// The identity of a flow finding in a few words — the rule's kind, account, interface, role and remote address, all
/// interned — so that a record that hits a finding already held costs one hash lookup and no string: the finding's
/// id, description, resource and evidence are built once, for its first occurrence.
struct FindingKey: Hashable {
    /// Which rule and finding type (a flow finding's type, without hashing its name).
    enum Kind: UInt8 {
        case threatList, torClient, torIPCaller, miningPool, blackhole, commandAndControl
    }

    /// What a key stands for: one finding, or the summary ("and N more") of a resource's or an account's further ones.
    enum Scope: UInt8 {
        case finding, resourceSummary, accountSummary
    }

    var kind: Kind
    var scope: Scope = .finding
    /// Our side is the target (the remote party opened the connection).
    var target: Bool
    var account: Int32
    var interface: Int32
    /// The remote party, when it is part of the finding's identity (else zero).
    var remote: IPAddress

    init(kind: Kind, record: FlowRecord, target: Bool, remote: IPAddress? = nil) {
        self.kind = kind
        self.target = target
        self.account = Int32(truncatingIfNeeded: record.accountId)
        self.interface = Int32(truncatingIfNeeded: record.interfaceId)
        self.remote = remote ?? IPAddress(v4: 0)
    }

    /// Three words into the hasher, not seven fields (a hit costs a lookup or three).
    func hash(into hasher: inout Hasher) {
        let flags = UInt64(self.kind.rawValue) | UInt64(self.scope.rawValue) << 8 | (self.target ? 1 << 16 : 0) | (self.remote.isV6 ? 1 << 17 : 0)
        hasher.combine(flags | UInt64(UInt32(bitPattern: self.account)) << 32)
        hasher.combine(UInt64(UInt32(bitPattern: self.interface)) ^ UInt64(truncatingIfNeeded: self.remote.value >> 64) << 32)
        hasher.combine(UInt64(truncatingIfNeeded: self.remote.value))
    }

    /// The key of the summary this finding is counted in when its resource (or the agent) is past its limit.
    func summary(_ scope: Scope) -> FindingKey {
        var key = self
        key.scope = scope
        key.remote = IPAddress(v4: 0)
        if scope == .accountSummary {
            key.interface = 0
            key.target = false
        }
        return key
    }
}
