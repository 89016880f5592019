/// Public initialisers for the request shapes that a client inside the project builds itself (the web console)
/// rather than decodes from JSON: each sets the members that client sends, the others are nil as in a JSON body
/// without them. (The synthesized memberwise initialisers stay internal to this module.)
extension UpdateDetectorRequest {
    public init(findingPublishingFrequency: FindingPublishingFrequency) {
        self.findingPublishingFrequency = findingPublishingFrequency
    }

    public init(features: [DetectorFeatureConfiguration]) {
        self.features = features
    }
}

extension CreateListRequest {
    public init(name: String, format: ListFileFormat, location: String, activate: Bool) {
        self.name = name
        self.format = format
        self.location = location
        self.activate = activate
    }
}

extension UpdateListRequest {
    public init(activate: Bool) {
        self.activate = activate
    }
}

extension OrganizationFeatureConfiguration {
    public init(name: DetectorFeature, autoEnable: AutoEnable) {
        self.name = name
        self.autoEnable = autoEnable
    }
}

extension UpdateOrganizationConfigurationRequest {
    public init(features: [OrganizationFeatureConfiguration]) {
        self.features = features
    }
}

extension UpdateMemberDetectorsRequest {
    public init(accountIds: [String], features: [DetectorFeatureConfiguration]) {
        self.accountIds = accountIds
        self.features = features
    }
}

extension GetFindingsStatisticsRequest {
    public init(groupBy: String, findingCriteria: FindingCriteria?, maxResults: Int?) {
        self.groupBy = groupBy
        self.findingCriteria = findingCriteria
        self.maxResults = maxResults
    }
}
