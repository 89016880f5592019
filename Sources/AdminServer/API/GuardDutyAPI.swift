import GuardDutyModel
import Hummingbird

/// The GuardDuty operations this server answers, wired to the stores. Paths, methods and status codes are
/// botocore's guardduty model (2017-11-28); handlers validate input, call one store method (one transaction),
/// and encode the model's output shape.
public struct GuardDutyAPI: Sendable {
    public let detectors: any DetectorStore
    public let members: any MemberStore
    public let organization: any OrganizationStore
    public let detectorResponses: DetectorResponseCache

    public init(
        detectors: any DetectorStore, members: any MemberStore, organization: any OrganizationStore, detectorResponses: DetectorResponseCache
    ) {
        self.detectors = detectors
        self.members = members
        self.organization = organization
        self.detectorResponses = detectorResponses
    }

    public func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        self.addDetectorRoutes(to: group)
        self.addMemberRoutes(to: group)
        self.addInvitationRoutes(to: group)
        self.addOrganizationRoutes(to: group)
        self.addTagRoutes(to: group)
    }

    static func detectorId(_ context: AuthenticatedContext) throws -> String {
        let id = try APIBody.parameter("detectorId", context)
        try Validate.detectorId(id)
        return id
    }
}
