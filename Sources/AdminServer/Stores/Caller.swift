/// Who is calling: the account the access key belongs to and the region of the request's signature.
public struct Caller: Sendable, Equatable {
    public var accountId: String
    public var region: String
    public var isOrganizationManagement: Bool

    public init(accountId: String, region: String, isOrganizationManagement: Bool = false) {
        self.accountId = accountId
        self.region = region
        self.isOrganizationManagement = isOrganizationManagement
    }
}

/// A newly issued access key; the secret is shown once.
public struct IssuedAccessKey: Sendable, Codable, Equatable {
    public var accountId: String
    public var accessKeyId: String
    public var secretAccessKey: String

    public init(accountId: String, accessKeyId: String, secretAccessKey: String) {
        self.accountId = accountId
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }
}

/// An access key as authentication needs it.
public struct AccessKeyRecord: Sendable {
    public var accessKeyId: String
    public var accountId: String
    public var secretAccessKey: String
    public var isOrganizationManagement: Bool
    public var revoked: Bool
}

/// An account as `guardpost-admin accounts list` shows it.
public struct AccountSummary: Sendable, Codable, Equatable {
    public var accountId: String
    public var email: String
    public var name: String?
    public var organizationManagement: Bool
    public var activeAccessKeyIds: [String]
}

/// A region and whether the server serves it.
public struct RegionRecord: Sendable, Codable, Equatable {
    public var name: String
    public var enabled: Bool
}

/// A domain error a store raises; API handlers turn it into a GuardDuty error.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let message), .conflict(let message), .invalid(let message): return message
        }
    }
}

/// A page of a listing: the items and the opaque token for the next page.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextToken: String?
}
