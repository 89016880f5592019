import Foundation
import GuardDutyModel

/// The settings page's publishing-frequency form, as an `UpdateDetectorRequest`.
struct PublishingFrequencyForm: ConsoleForm {
    var findingPublishingFrequency: String?

    func request() throws -> UpdateDetectorRequest {
        let frequency = try FindingPublishingFrequency.parse(self.findingPublishingFrequency ?? "", field: "findingPublishingFrequency")
        return UpdateDetectorRequest(findingPublishingFrequency: frequency)
    }
}

/// A feature's Turn on / Turn off button: the detector's own change, the organisation's auto-enable and the members'.
struct FeatureForm: ConsoleForm {
    var feature: String?
    var status: String?

    var featureName: String { self.feature ?? "" }
    /// Anything but ENABLED turns the feature off.
    var featureStatus: FeatureStatus { self.status == "ENABLED" ? .enabled : .disabled }

    func detectorFeature() throws -> DetectorFeatureConfiguration {
        DetectorFeatureConfiguration(name: try DetectorFeature.parse(self.featureName, field: "feature"), status: self.featureStatus)
    }

    func detectorRequest() throws -> UpdateDetectorRequest {
        UpdateDetectorRequest(features: [try self.detectorFeature()])
    }

    /// For a delegated administrator the choice is also the organisation's auto-enable setting (ALL or NONE).
    func organizationRequest() throws -> UpdateOrganizationConfigurationRequest {
        let feature = try DetectorFeature.parse(self.featureName, field: "feature")
        return UpdateOrganizationConfigurationRequest(
            features: [OrganizationFeatureConfiguration(name: feature, autoEnable: self.featureStatus == .enabled ? .all : .none)]
        )
    }

    func membersRequest(accountIds: [String]) throws -> UpdateMemberDetectorsRequest {
        UpdateMemberDetectorsRequest(accountIds: accountIds, features: [try self.detectorFeature()])
    }
}

/// The settings page's one-attribute suppression rule, as a `FilterRequest`.
struct CreateRuleForm: ConsoleForm {
    var name: String?
    var attribute: String?
    var `operator`: String?
    var value: String?
    var action: String?

    func request() -> FilterRequest {
        let values = (self.value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let condition = self.operator == "matches" ? Condition(matches: values) : Condition(equals: values)
        return FilterRequest(
            name: self.name ?? "", action: self.action ?? "ARCHIVE",
            findingCriteria: FindingCriteria(criterion: [self.attribute ?? "type": condition])
        )
    }
}

/// A rule's Delete button.
struct DeleteRuleForm: ConsoleForm {
    var name: String?
}

/// A change whose only fields are the CSRF token and `back` (generating sample findings).
struct NoFieldsForm: ConsoleForm {}
