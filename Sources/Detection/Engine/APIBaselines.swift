import GuardDutyModel

/// The state of `AnomalousBehaviorRule`: learned per-principal API use from CloudTrail (record time): during the
/// first `baselineLearningSeconds` after a principal (access key, else principal id) is first seen, the APIs it calls
/// are learned; afterwards a call to an API it never used that belongs to an attack tactic is
/// `<Tactic>:IAMUser/AnomalousBehavior`, and for S3 data events `Discovery|Exfiltration:S3/AnomalousBehavior` or
/// `Impact:S3/AnomalousBehavior.Write|.Delete|.Permission`. Like the flow baselines, what is learned depends on which
/// records come first.
struct APIBaselines {
    struct Principal {
        var firstSeen: Int64
        /// Hashes of the APIs called while learning (see `apiNames`): judging a call allocates nothing.
        var apis: Set<UInt64> = []
    }
    var principals: [String: Principal] = [:]
    /// The API behind each hash, for `learnedBaselines()`.
    var apiNames: [UInt64: String] = [:]

    /// FNV-1a of `[s3data:]SOURCE:NAME`.
    static func hash(s3Data: Bool, source: String, name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) { for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 } }
        mix(s3Data ? "s3data" : source)
        mix(":")
        mix(name)
        return hash
    }
}
