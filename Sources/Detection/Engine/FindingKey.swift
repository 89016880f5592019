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

    /// The key in three words, not seven fields.
    var words: (UInt64, UInt64, UInt64) {
        let flags = UInt64(self.kind.rawValue) | UInt64(self.scope.rawValue) << 8 | (self.target ? 1 << 16 : 0) | (self.remote.isV6 ? 1 << 17 : 0)
        return (
            flags | UInt64(UInt32(bitPattern: self.account)) << 32,
            UInt64(UInt32(bitPattern: self.interface)) ^ UInt64(truncatingIfNeeded: self.remote.value >> 64) << 32,
            UInt64(truncatingIfNeeded: self.remote.value)
        )
    }

    func hash(into hasher: inout Hasher) {
        let words = self.words
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
    }

    /// What the aggregator's dictionaries hash a key with (a hit costs a lookup or three, and SipHash's set-up and
    /// finalisation were most of a lookup): the three words folded into the dictionary's per-instance seed through
    /// MurmurHash3's 64-bit finaliser, a bijection that spreads every input bit. The seed is random per process, so
    /// addresses a log supplies cannot be chosen to collide.
    func _rawHashValue(seed: Int) -> Int {
        let words = self.words
        var hash = Self.mix(UInt64(bitPattern: Int64(seed)) ^ words.0)
        hash = Self.mix(hash ^ words.1)
        hash = Self.mix(hash ^ words.2)
        return Int(bitPattern: UInt(hash))
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x = (x ^ (x >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        x = (x ^ (x >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return x ^ (x >> 33)
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
