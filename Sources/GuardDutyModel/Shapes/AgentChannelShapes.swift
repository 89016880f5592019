/// The agent channel's wire shapes (Guardpost's own protocol under `/agent/v1`, beside the GuardDuty API), shared
/// by the server and the agent.

/// What an agent runs with: the detector's effective settings (its administrator's, for an associated member)
/// and the descriptors of the lists in force, at a config version that only moves forward.
public struct AgentConfig: Codable, Sendable, Equatable {
    public var detectorId: String
    public var accountId: String
    public var region: String
    public var version: Int
    public var status: String
    public var findingPublishingFrequency: String
    public var features: [String: String]
    /// The administrator whose settings and lists are in force, if the account is an associated member.
    public var administratorId: String?
    public var lists: [ListDescriptor]
    /// The administrator server's managed intelligence feeds (`guardpost-admin intel`), fetched like lists by hash.
    /// Absent from servers before feeds.
    public var feeds: [FeedDescriptor]?

    /// A managed intelligence feed: its kind says what a hit means (`tor-exit`, `c2-ip`, `phishing-domain`…); its
    /// normalised content (one address, network or domain per line) is at `/agent/v1/lists/{sha256}`.
    public struct FeedDescriptor: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        public var sha256: String
        public var entryCount: Int

        public init(name: String, kind: String, sha256: String, entryCount: Int) {
            self.name = name
            self.kind = kind
            self.sha256 = sha256
            self.entryCount = entryCount
        }
    }

    /// A list in force: fetch its normalised content from `/agent/v1/lists/{sha256}`.
    public struct ListDescriptor: Codable, Sendable, Equatable {
        public var id: String
        public var kind: String
        public var name: String
        public var format: String
        public var sha256: String
        public var entryCount: Int
        public var trusted: Bool

        public init(id: String, kind: String, name: String, format: String, sha256: String, entryCount: Int, trusted: Bool) {
            self.id = id
            self.kind = kind
            self.name = name
            self.format = format
            self.sha256 = sha256
            self.entryCount = entryCount
            self.trusted = trusted
        }
    }

    public init(
        detectorId: String, accountId: String, region: String, version: Int, status: String, findingPublishingFrequency: String,
        features: [String: String], administratorId: String?, lists: [ListDescriptor], feeds: [FeedDescriptor] = []
    ) {
        self.detectorId = detectorId
        self.accountId = accountId
        self.region = region
        self.version = version
        self.status = status
        self.findingPublishingFrequency = findingPublishingFrequency
        self.features = features
        self.administratorId = administratorId
        self.lists = lists
        self.feeds = feeds
    }
}

/// `POST /agent/v1/findings`: a batch of findings of the caller's detector (at most 500).
public struct AgentFindingBatch: Codable, Sendable {
    public var detectorId: String
    public var findings: [Finding]

    public init(detectorId: String, findings: [Finding]) {
        self.detectorId = detectorId
        self.findings = findings
    }
}

/// `POST /agent/v1/heartbeat`: who the agent is and what it analysed since its last heartbeat.
public struct AgentHeartbeat: Codable, Sendable, Equatable {
    public var agentId: String
    public var detectorId: String
    public var hostname: String
    public var version: String
    /// The config version the agent runs with.
    public var configVersion: Int
    public var sources: [Source]
    /// Numbers the usage (`recordsSinceLast`, `bytesSinceLast`) this heartbeat reports: a report is sent again with
    /// the same number until acknowledged, and the server counts each number once (nil: counted every time).
    public var usageSequence: Int64?

    /// One log source: cumulative counters, and what was analysed since the last acknowledged heartbeat.
    public struct Source: Codable, Sendable, Equatable {
        /// `FLOW_LOGS`, `CLOUD_TRAIL` or `DNS_LOGS`.
        public var dataSource: String
        public var path: String
        public var records: Int
        public var errors: Int
        /// Seconds between now and the newest record's time (nil before the first record).
        public var lagSeconds: Double?
        public var recordsSinceLast: Int
        public var bytesSinceLast: Int
        /// S3 sources: objects read, objects found and not yet read, how far (seconds of last-modified time) the
        /// oldest waiting object is behind the newest, what stops the source (a missing or forbidden bucket, an
        /// unreachable queue), and the last objects skipped as corrupt.
        public var objects: Int?
        public var objectsBehind: Int?
        public var secondsBehind: Double?
        public var issue: String?
        public var skippedObjects: [String]?

        public init(dataSource: String, path: String, records: Int, errors: Int, lagSeconds: Double?, recordsSinceLast: Int, bytesSinceLast: Int) {
            self.dataSource = dataSource
            self.path = path
            self.records = records
            self.errors = errors
            self.lagSeconds = lagSeconds
            self.recordsSinceLast = recordsSinceLast
            self.bytesSinceLast = bytesSinceLast
        }
    }

    public init(
        agentId: String, detectorId: String, hostname: String, version: String, configVersion: Int, sources: [Source],
        usageSequence: Int64? = nil
    ) {
        self.agentId = agentId
        self.detectorId = detectorId
        self.hostname = hostname
        self.version = version
        self.configVersion = configVersion
        self.sources = sources
        self.usageSequence = usageSequence
    }
}

/// `CoverageResource` of ListCoverage: one agent, reported as an EC2 resource with its agent version.
public struct CoverageResource: Codable, Sendable, Equatable {
    public var resourceId: String
    public var detectorId: String
    public var accountId: String
    public var resourceDetails: Details
    public var coverageStatus: String
    public var issue: String?
    /// Epoch seconds of the last heartbeat.
    public var updatedAt: Double

    public struct Details: Codable, Sendable, Equatable {
        public var resourceType: String
        public var ec2InstanceDetails: Instance
    }

    public struct Instance: Codable, Sendable, Equatable {
        public var instanceId: String
        public var agentDetails: AgentDetails
        public var managementType: String
    }

    public struct AgentDetails: Codable, Sendable, Equatable {
        public var version: String
    }

    public init(
        agentId: String, hostname: String, detectorId: String, accountId: String, version: String, healthy: Bool, issue: String?, updatedAt: Double
    ) {
        self.resourceId = agentId
        self.detectorId = detectorId
        self.accountId = accountId
        self.resourceDetails = Details(
            resourceType: "EC2",
            ec2InstanceDetails: Instance(instanceId: hostname, agentDetails: AgentDetails(version: version), managementType: "MANUAL")
        )
        self.coverageStatus = healthy ? "HEALTHY" : "UNHEALTHY"
        self.issue = issue
        self.updatedAt = updatedAt
    }
}

/// ListCoverage's and GetCoverageStatistics' request members.
public struct CoverageRequest: Codable, Sendable {
    public var nextToken: String?
    public var maxResults: Int?
    public var filterCriteria: FilterCriteria?
    public var sortCriteria: SortCriteria?
    public var statisticsType: [String]?

    public struct FilterCriteria: Codable, Sendable {
        public var filterCriterion: [Criterion]?
    }

    public struct Criterion: Codable, Sendable {
        public var criterionKey: String?
        public var filterCondition: Condition?
    }

    public struct Condition: Codable, Sendable {
        public var equals: [String]?
        public var notEquals: [String]?
    }
}
