import Foundation
import GuardDutyModel

/// The findings page's detail pane: a summary of one finding, its feedback buttons and the whole document.
struct FindingDetailView {
    /// One line of the summary.
    struct Fact {
        let name: String
        let value: String
    }

    let id: String
    let facts: [Fact]
    let back: String
    /// The finding's JSON, pretty-printed with sorted keys.
    let json: String

    static func facts(_ finding: Finding?) -> [(String, String?)] {
        let action = finding?.service.action
        let remote =
            action?.networkConnectionAction?.remoteIpDetails ?? action?.awsApiCallAction?.remoteIpDetails
            ?? action?.portProbeAction?.portProbeDetails.first?.remoteIpDetails ?? action?.kubernetesApiCallAction?.remoteIpDetails
        let resource = finding.map { found in
            let resource = found.resource
            let parts = [
                resource.resourceType, resource.instanceDetails?.instanceId, resource.accessKeyDetails?.accessKeyId,
                resource.s3BucketDetails?.first?.name, resource.eksClusterDetails?.name,
            ]
            return parts.compactMap { $0 }.joined(separator: " ")
        }
        let actionText = action.map {
            [$0.actionType, $0.awsApiCallAction?.api, $0.dnsRequestAction?.domain, $0.networkConnectionAction?.connectionDirection]
                .compactMap { $0 }.joined(separator: " ")
        }
        return [
            ("Type", finding?.type), ("Severity", finding.map { "\(SeverityBand($0.severity).name) (\($0.severity))" }),
            ("Description", finding?.description), ("Account / region", finding.map { "\($0.accountId) / \($0.region)" }),
            ("Resource", resource), ("Action", actionText), ("Remote address", remote?.ipAddressV4 ?? remote?.ipAddressV6),
            ("Remote location", remote.flatMap(RemotePlaceText.location)), ("Remote owner", remote.flatMap(RemotePlaceText.owner)),
            ("First / last seen", finding.map { "\($0.service.eventFirstSeen) / \($0.service.eventLastSeen)" }),
            ("Count", finding.map { String($0.service.count) }), ("Additional info", finding?.service.additionalInfo?.value),
        ] + Self.kubernetesFacts(finding)
    }
}

extension FindingDetailView {
    /// The pane for a stored finding document, or nil when it is not JSON.
    init?(id: String, document: String, back: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)),
            let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        self.id = id
        self.back = back
        self.json = String(decoding: pretty, as: UTF8.self)
        let finding = try? JSONDecoder().decode(Finding.self, from: Data(document.utf8))
        self.facts = Self.facts(finding).compactMap { name, value in value.map { Fact(name: name, value: $0) } }
    }
}
