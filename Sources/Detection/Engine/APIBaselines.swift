import GuardDutyModel

/// The state of `AnomalousBehaviorRule`: learned per-principal API use from CloudTrail (record time): during the
/// first `baselineLearningSeconds` after a principal (access key, else principal id) is first seen, the APIs it calls
/// are learned; afterwards a call to an API it never used that belongs to an attack tactic is
/// `<Tactic>:IAMUser/AnomalousBehavior`, and for S3 data events `Discovery|Exfiltration:S3/AnomalousBehavior` or
/// `Impact:S3/AnomalousBehavior.Write|.Delete|.Permission`. What is learned does not depend on the order of the
/// records: the principal's first sighting and each API's first call are minimums over all records, and the calls that
/// may be anomalous wait as candidates until the rule closes.
struct APIBaselines {
    struct Principal {
        var firstSeen: Int64
        /// The earliest call of each API (by its hash, see `apiNames`): judging a call allocates nothing.
        var apis: [UInt64: Int64] = [:]
        /// The earliest call of each API that was first called after the learning period, with what the finding shows.
        var candidates: [UInt64: Candidate] = [:]

        /// Notes a call: the first sighting and the API's first call move back to it if earlier; a call of a tactic's
        /// API (`type`) becomes or joins the API's candidate, which shows the earliest call.
        mutating func note(_ api: UInt64, _ event: CloudTrailEvent, _ trail: CloudTrailContext, type: FindingType?) {
            self.firstSeen = min(self.firstSeen, event.eventTime)
            self.apis[api] = min(self.apis[api] ?? event.eventTime, event.eventTime)
            guard let type else { return }
            guard var candidate = self.candidates[api] else {
                self.candidates[api] = Candidate(event: event, trail: trail, type: type, count: 1)
                return
            }
            candidate.count += 1
            if (event.eventTime, event.sourceIPAddress ?? "") < (candidate.event.eventTime, candidate.event.sourceIPAddress ?? "") {
                candidate.event = event
                candidate.trail = trail
            }
            self.candidates[api] = candidate
        }

        /// The APIs called while learning.
        func learned(_ learning: Int64) -> [UInt64] {
            self.apis.filter { $0.value < self.firstSeen + learning }.map(\.key)
        }
    }

    /// A call that is anomalous if its API stays unlearned once every record is in.
    struct Candidate {
        var event: CloudTrailEvent
        var trail: CloudTrailContext
        var type: FindingType
        var count: Int
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
