/// What ingest reads of a finding: the members its rules check (`FindingLimits.validate`) and the store's columns
/// hold. The rest of a finding is carried as its JSON document, untouched, so members this type does not name (new
/// resource or action kinds) reach the store as the agent wrote them.
///
/// An agent's batch is read into headers by `FindingBatchReader` without building `Finding`s; a `Finding` made here
/// (samples, tests) gives its header with `init(_:)`. Both must agree, which the tests and the fuzz target check.
public struct FindingHeader: Sendable, Equatable {
    public var id: String
    public var accountId: String
    public var region: String
    public var arn: String
    public var type: String
    public var severity: Double
    public var createdAt: String
    public var updatedAt: String
    /// `service.detectorId`.
    public var detectorId: String
    /// `service.count`.
    public var count: Int
    /// `service.eventFirstSeen` and `service.eventLastSeen`.
    public var eventFirstSeen: String
    public var eventLastSeen: String
    /// `resource.resourceType`.
    public var resourceType: String
    /// The instance, access key or first bucket the finding is about.
    public var resourceId: String?
    /// The remote address of its action: network connection, else API call, else the first port probe.
    public var remoteIP: String?
    /// `service.archived` and whether `service.userFeedback` is set: a new finding is stored without either.
    public var archived: Bool
    public var hasUserFeedback: Bool
    /// A sample finding (CreateSampleFindings): `service.additionalInfo.value` holds `"sample":true`.
    public var sample: Bool
    /// The UTF-8 lengths of `title` and `description`, which GuardDuty bounds.
    public var titleBytes: Int
    public var descriptionBytes: Int

    public init(
        id: String, accountId: String, region: String, arn: String, type: String, severity: Double, createdAt: String, updatedAt: String,
        detectorId: String, count: Int, eventFirstSeen: String, eventLastSeen: String, resourceType: String, resourceId: String?,
        remoteIP: String?, archived: Bool, hasUserFeedback: Bool, sample: Bool, titleBytes: Int, descriptionBytes: Int
    ) {
        self.id = id
        self.accountId = accountId
        self.region = region
        self.arn = arn
        self.type = type
        self.severity = severity
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.detectorId = detectorId
        self.count = count
        self.eventFirstSeen = eventFirstSeen
        self.eventLastSeen = eventLastSeen
        self.resourceType = resourceType
        self.resourceId = resourceId
        self.remoteIP = remoteIP
        self.archived = archived
        self.hasUserFeedback = hasUserFeedback
        self.sample = sample
        self.titleBytes = titleBytes
        self.descriptionBytes = descriptionBytes
    }

    /// The header of a finding built in Swift.
    public init(_ finding: Finding) {
        let resource = finding.resource
        let action = finding.service.action
        let remote =
            action.networkConnectionAction?.remoteIpDetails ?? action.awsApiCallAction?.remoteIpDetails
            ?? action.portProbeAction?.portProbeDetails.first?.remoteIpDetails ?? action.kubernetesApiCallAction?.remoteIpDetails
        self.init(
            id: finding.id, accountId: finding.accountId, region: finding.region, arn: finding.arn, type: finding.type, severity: finding.severity,
            createdAt: finding.createdAt, updatedAt: finding.updatedAt, detectorId: finding.service.detectorId, count: finding.service.count,
            eventFirstSeen: finding.service.eventFirstSeen, eventLastSeen: finding.service.eventLastSeen, resourceType: resource.resourceType,
            resourceId: resource.instanceDetails?.instanceId ?? resource.accessKeyDetails?.accessKeyId ?? resource.s3BucketDetails?.first?.name
                ?? resource.eksClusterDetails?.name,
            remoteIP: remote?.ipAddressV4 ?? remote?.ipAddressV6, archived: finding.service.archived,
            hasUserFeedback: finding.service.userFeedback != nil,
            sample: finding.service.additionalInfo?.value.contains(#""sample":true"#) ?? false, titleBytes: finding.title.utf8.count,
            descriptionBytes: finding.description.utf8.count
        )
    }
}
