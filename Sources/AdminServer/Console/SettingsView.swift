import Foundation
import GuardDutyModel

/// The settings page: the detector's publishing frequency, sample findings, and the suppression rules with the form
/// that adds a one-attribute rule.
struct SettingsView {
    /// A choice of a select list.
    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    /// One rule (filter) of the detector.
    struct Rule {
        let name: String
        let action: String
        let rank: Int
        /// The rule's criteria as the API's JSON.
        let criteria: String
    }

    static let attributes = [
        "type", "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4", "service.action.awsApiCallAction.remoteIpDetails.ipAddressV4",
        "resource.instanceDetails.instanceId", "accountId", "severity",
    ]

    let detectorId: String
    let status: String
    let frequencies: [Option]
    let rules: [Rule]
    let attributes = Self.attributes
}

extension SettingsView {
    init(detectorId: String, detector: GetDetectorResponse, rules: [GetFilterResponse]) throws {
        self.detectorId = detectorId
        self.status = detector.status.rawValue
        self.frequencies = [("FIFTEEN_MINUTES", "15 minutes"), ("ONE_HOUR", "1 hour"), ("SIX_HOURS", "6 hours")].map { value, label in
            Option(value: value, label: label, selected: detector.findingPublishingFrequency.rawValue == value)
        }
        self.rules = try rules.map { rule in
            let criteria = String(decoding: try JSONEncoder().encode(rule.findingCriteria), as: UTF8.self)
            return Rule(name: rule.name, action: rule.action, rank: rule.rank, criteria: criteria)
        }
    }
}
