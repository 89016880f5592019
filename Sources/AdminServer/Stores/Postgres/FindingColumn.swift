import GuardDutyModel

/// How a criteria attribute is stored: a typed column of `findings`, or only inside the `finding` document.
/// The attribute's kind comes from the core (`FindingAttributeKind`); this maps it to storage.
enum FindingColumn: Equatable {
    case text(String)
    case double(String)
    case integer(String)
    case timestamp(String)
    case boolean(String)
    /// The document holds the value; an indexed column narrows equality tests first.
    case document(indexedBy: String?)

    /// The columns of `findings` behind the attributes that have one.
    static let columns: [String: String] = [
        "accountId": "account_id", "region": "region", "id": "finding_id", "type": "type", "severity": "severity",
        "updatedAt": "updated_at", "createdAt": "created_at", "service.eventFirstSeen": "event_first_seen",
        "service.eventLastSeen": "event_last_seen", "service.archived": "archived", "service.count": "count",
        "service.userFeedback": "feedback", "service.additionalInfo.sample": "sample", "resource.resourceType": "resource_type",
    ]

    /// Document paths whose values an indexed column also holds.
    static let indexes: [String: String] = [
        "resource.instanceDetails.instanceId": "resource_id", "resource.accessKeyDetails.accessKeyId": "resource_id",
        "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4": "remote_ip",
        "service.action.networkConnectionAction.remoteIpDetails.ipAddressV6": "remote_ip",
        "service.action.awsApiCallAction.remoteIpDetails.ipAddressV4": "remote_ip",
        "service.action.awsApiCallAction.remoteIpDetails.ipAddressV6": "remote_ip",
    ]

    /// The column behind a criteria path; every path without one is looked up in the document.
    static func of(_ path: String) -> FindingColumn {
        guard let name = Self.columns[path] else { return .document(indexedBy: Self.indexes[path]) }
        switch FindingAttributeKind.of(path) {
        case .text: return .text(name)
        case .number: return name == "count" ? .integer(name) : .double(name)
        case .timestamp: return .timestamp(name)
        case .boolean: return .boolean(name)
        case .document: return .document(indexedBy: Self.indexes[path])
        }
    }
}
