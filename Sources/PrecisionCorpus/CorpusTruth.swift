/// The ground truth a corpus directory carries in `truth.json`: its resources with their roles, and the injected attacks.
public struct CorpusTruth: Codable, Sendable, Equatable {
    /// An instance, a network interface without an instance (NAT gateway, load balancer) or a principal.
    public struct Asset: Codable, Sendable, Equatable {
        /// "instance", "interface" or "principal".
        public var kind: String
        /// The instance id, network interface id, or user/role name.
        public var id: String
        public var interfaceId: String?
        public var privateAddress: String?
        public var publicAddress: String?
        /// What it does: "web", "nat", "backup", "mail", "console-user", "instance-role", …
        public var role: String
        /// Whether the network interface's flow log uses the custom v5 format (else the default v2 format).
        public var customFormat: Bool?

        public init(
            kind: String, id: String, interfaceId: String? = nil, privateAddress: String? = nil, publicAddress: String? = nil, role: String,
            customFormat: Bool? = nil
        ) {
            self.kind = kind
            self.id = id
            self.interfaceId = interfaceId
            self.privateAddress = privateAddress
            self.publicAddress = publicAddress
            self.role = role
            self.customFormat = customFormat
        }
    }

    /// One injected attack: the finding types that report it and the resource they must name.
    public struct Attack: Codable, Sendable, Equatable {
        public var name: String
        public var acceptedTypes: [String]
        public var instanceId: String?
        public var interfaceId: String?
        public var accessKeyId: String?
        public var userName: String?
        /// Other resources that carry the attack's traffic (the NAT gateway's interface of a private instance): a
        /// finding of an accepted type there is no match; it counts as a benign finding, reported as misattributed.
        public var relatedResources: [String]
        /// When it starts and ends (Unix seconds).
        public var start: Int64
        public var end: Int64
        /// The remote address or domain it involves, for reading the files.
        public var indicator: String

        public init(
            name: String, acceptedTypes: [String], instanceId: String? = nil, interfaceId: String? = nil, accessKeyId: String? = nil,
            userName: String? = nil, relatedResources: [String], start: Int64, end: Int64, indicator: String
        ) {
            self.name = name
            self.acceptedTypes = acceptedTypes
            self.instanceId = instanceId
            self.interfaceId = interfaceId
            self.accessKeyId = accessKeyId
            self.userName = userName
            self.relatedResources = relatedResources
            self.start = start
            self.end = end
            self.indicator = indicator
        }
    }

    public var seed: UInt64
    public var days: Int
    public var instances: Int
    public var density: Double
    public var accountId: String
    public var region: String
    /// The first second of the first day (Unix seconds).
    public var start: Int64
    public var assets: [Asset]
    public var attacks: [Attack]
    /// Record counts written per data source.
    public var flowRecords: Int
    public var cloudTrailRecords: Int
    public var dnsRecords: Int

    public init(
        seed: UInt64, days: Int, instances: Int, density: Double, accountId: String, region: String, start: Int64, assets: [Asset],
        attacks: [Attack], flowRecords: Int, cloudTrailRecords: Int, dnsRecords: Int
    ) {
        self.seed = seed
        self.days = days
        self.instances = instances
        self.density = density
        self.accountId = accountId
        self.region = region
        self.start = start
        self.assets = assets
        self.attacks = attacks
        self.flowRecords = flowRecords
        self.cloudTrailRecords = cloudTrailRecords
        self.dnsRecords = dnsRecords
    }
}
