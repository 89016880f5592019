/// The four kinds of lists GuardDuty manages, which share one shape family and differ in path, JSON keys and limits.
public enum ListKind: String, CaseIterable, Sendable, Codable {
    case ipSet = "IP_SET"
    case threatIntelSet = "THREAT_INTEL_SET"
    case threatEntitySet = "THREAT_ENTITY_SET"
    case trustedEntitySet = "TRUSTED_ENTITY_SET"

    /// The path segment after `/detector/{id}/`.
    public var pathComponent: String {
        switch self {
        case .ipSet: return "ipset"
        case .threatIntelSet: return "threatintelset"
        case .threatEntitySet: return "threatentityset"
        case .trustedEntitySet: return "trustedentityset"
        }
    }

    /// The id's JSON name in Create responses (`ipSetId`, …).
    public var idKey: String {
        switch self {
        case .ipSet: return "ipSetId"
        case .threatIntelSet: return "threatIntelSetId"
        case .threatEntitySet: return "threatEntitySetId"
        case .trustedEntitySet: return "trustedEntitySetId"
        }
    }

    /// The ids' JSON name in List responses (`ipSetIds`, …).
    public var listKey: String { self.idKey + "s" }

    /// Trusted lists suppress findings; threat lists produce them.
    public var isTrusted: Bool { self == .ipSet || self == .trustedEntitySet }

    /// Entity lists carry domain names as well as addresses.
    public var holdsDomains: Bool { self == .threatEntitySet || self == .trustedEntitySet }

    /// GuardDuty's quotas: one trusted list and six threat lists of each family per account and region.
    public var maxPerDetector: Int { self.isTrusted ? 1 : 6 }

    /// Entries per list: 2,000 for trusted lists, 250,000 for threat lists.
    public var maxEntries: Int { self.isTrusted ? 2_000 : 250_000 }

    public var displayName: String {
        switch self {
        case .ipSet: return "trusted IP list (IPSet)"
        case .threatIntelSet: return "threat list (ThreatIntelSet)"
        case .threatEntitySet: return "threat entity list (ThreatEntitySet)"
        case .trustedEntitySet: return "trusted entity list (TrustedEntitySet)"
        }
    }

    /// Largest list file GuardDuty accepts.
    public static let maxFileBytes = 35 * 1024 * 1024
}

/// `ThreatIntelSetFormat` / `IpSetFormat` / `ThreatEntitySetFormat` / `TrustedEntitySetFormat` (same values).
public enum ListFileFormat: String, APIEnum {
    case txt = "TXT"
    case stix = "STIX"
    case otxCSV = "OTX_CSV"
    case alienVault = "ALIEN_VAULT"
    case proofPoint = "PROOF_POINT"
    case fireEye = "FIRE_EYE"
}

/// `IpSetStatus` / `ThreatIntelSetStatus` / entity set statuses.
public enum ListStatus: String, APIEnum {
    case inactive = "INACTIVE"
    case activating = "ACTIVATING"
    case active = "ACTIVE"
    case deactivating = "DEACTIVATING"
    case error = "ERROR"
    case deletePending = "DELETE_PENDING"
    case deleted = "DELETED"
}

/// CreateIPSet / CreateThreatIntelSet / CreateThreatEntitySet / CreateTrustedEntitySet request body.
public struct CreateListRequest: Codable, Sendable {
    public var name: String
    public var format: ListFileFormat
    public var location: String
    public var activate: Bool
    public var clientToken: String?
    public var tags: [String: String]?
    public var expectedBucketOwner: String?
}

/// Update… request body.
public struct UpdateListRequest: Codable, Sendable {
    public var name: String?
    public var location: String?
    public var activate: Bool?
    public var expectedBucketOwner: String?
}

/// Get… response.
public struct GetListResponse: Codable, Sendable, Equatable {
    public var name: String
    public var format: ListFileFormat
    public var location: String
    public var status: ListStatus
    public var tags: [String: String]
    public var expectedBucketOwner: String?
    public var createdAt: Double
    public var updatedAt: Double
    public var errorDetails: String?

    public init(
        name: String, format: ListFileFormat, location: String, status: ListStatus, tags: [String: String],
        expectedBucketOwner: String?, createdAt: Double, updatedAt: Double, errorDetails: String?
    ) {
        self.name = name
        self.format = format
        self.location = location
        self.status = status
        self.tags = tags
        self.expectedBucketOwner = expectedBucketOwner
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.errorDetails = errorDetails
    }
}

extension Validate {
    /// Names 1–300 characters; locations 1–300 characters of `s3://`, `https://`, `http://` or `file://`.
    public static func list(name: String?, location: String?, expectedBucketOwner: String?) throws {
        if let name {
            guard (1...300).contains(name.unicodeScalars.count) else {
                throw GuardDutyError.badRequest("The request is rejected because the list name must be 1 to 300 characters long.")
            }
        }
        if let location {
            guard (1...300).contains(location.unicodeScalars.count) else {
                throw GuardDutyError.badRequest("The request is rejected because the list location must be 1 to 300 characters long.")
            }
            let lowered = location.lowercased()
            guard ["s3://", "https://", "http://", "file://"].contains(where: { lowered.hasPrefix($0) }) else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because the list location '\(location)' is not an s3://, https://, http:// or file:// URL."
                )
            }
        }
        if let owner = expectedBucketOwner {
            try self.accountId(owner, field: "expectedBucketOwner")
        }
    }
}
