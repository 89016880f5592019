/// What the engine has learned (flow and API baselines), in a form that outlives the process: flow baselines are
/// keyed by instance (or interface, prefixed `eni:`) name rather than by this process's interned ids.
public struct LearnedBaselines: Codable, Sendable, Equatable {
    public struct Instance: Codable, Sendable, Equatable {
        public var firstSeen: Int64
        public var ports: [Int]
        public var learnedBytes: Int
        public var learnedWindows: [Int64]
    }
    public struct Principal: Codable, Sendable, Equatable {
        public var firstSeen: Int64
        public var apis: [String]
    }
    public var instances: [String: Instance]
    public var principals: [String: Principal]
}
