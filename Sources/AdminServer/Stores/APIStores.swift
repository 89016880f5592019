import GuardDutyModel

/// What the GuardDuty API's and the agent channel's controllers read and write, as the stores' protocols: the
/// router is built over these, so a test can hand it other implementations (see `RouterOverFakeStoresTests`).
public struct APIStores: Sendable {
    public var detectors: any DetectorStore
    public var members: any MemberStore
    public var organization: any OrganizationStore
    public var lists: any ListStore
    public var findings: any FindingStore
    public var agentChannel: any AgentChannelStore
    public var publishingDestinations: any PublishingDestinationStore
    /// Announces committed changes (GetDetector's answers are cached until the next one).
    public var changes: ChangeSignal

    public init(
        detectors: any DetectorStore, members: any MemberStore, organization: any OrganizationStore, lists: any ListStore,
        findings: any FindingStore, agentChannel: any AgentChannelStore, publishingDestinations: any PublishingDestinationStore,
        changes: ChangeSignal
    ) {
        self.detectors = detectors
        self.members = members
        self.organization = organization
        self.lists = lists
        self.findings = findings
        self.agentChannel = agentChannel
        self.publishingDestinations = publishingDestinations
        self.changes = changes
    }
}
