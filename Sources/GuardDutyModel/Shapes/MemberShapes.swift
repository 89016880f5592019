/// `AccountDetail` of CreateMembers.
public struct AccountDetail: Codable, Sendable {
    public var accountId: String
    public var email: String
    public init(accountId: String, email: String) {
        self.accountId = accountId
        self.email = email
    }
}

public struct CreateMembersRequest: Codable, Sendable {
    public var accountDetails: [AccountDetail]
}

/// The body of every operation that takes a list of account ids only.
public struct AccountIdsRequest: Codable, Sendable {
    public var accountIds: [String]
}

public struct InviteMembersRequest: Codable, Sendable {
    public var accountIds: [String]
    public var disableEmailNotification: Bool?
    public var message: String?
}

/// `UnprocessedAccount`: a per-account failure of a bulk operation, reported with HTTP 200.
public struct UnprocessedAccount: Codable, Sendable, Equatable {
    public var accountId: String
    public var result: String
    public init(accountId: String, result: String) {
        self.accountId = accountId
        self.result = result
    }
}

public struct UnprocessedAccountsResponse: Codable, Sendable {
    public var unprocessedAccounts: [UnprocessedAccount]
    public init(unprocessedAccounts: [UnprocessedAccount]) { self.unprocessedAccounts = unprocessedAccounts }
}

/// `Member` as the administrator sees it.
public struct Member: Codable, Sendable, Equatable {
    public var accountId: String
    public var detectorId: String?
    public var masterId: String
    public var administratorId: String
    public var email: String
    public var relationshipStatus: RelationshipStatus
    public var invitedAt: String?
    public var updatedAt: String

    public init(
        accountId: String, detectorId: String?, administratorId: String, email: String,
        relationshipStatus: RelationshipStatus, invitedAt: String?, updatedAt: String
    ) {
        self.accountId = accountId
        self.detectorId = detectorId
        self.masterId = administratorId
        self.administratorId = administratorId
        self.email = email
        self.relationshipStatus = relationshipStatus
        self.invitedAt = invitedAt
        self.updatedAt = updatedAt
    }
}

public struct GetMembersResponse: Codable, Sendable {
    public var members: [Member]
    public var unprocessedAccounts: [UnprocessedAccount]
    public init(members: [Member], unprocessedAccounts: [UnprocessedAccount]) {
        self.members = members
        self.unprocessedAccounts = unprocessedAccounts
    }
}

public struct ListMembersResponse: Codable, Sendable {
    public var members: [Member]
    public var nextToken: String?
    public init(members: [Member], nextToken: String?) {
        self.members = members
        self.nextToken = nextToken
    }
}

/// `Invitation` as the invited account sees it.
public struct Invitation: Codable, Sendable, Equatable {
    public var accountId: String
    public var invitationId: String
    public var relationshipStatus: RelationshipStatus
    public var invitedAt: String
    public init(accountId: String, invitationId: String, relationshipStatus: RelationshipStatus, invitedAt: String) {
        self.accountId = accountId
        self.invitationId = invitationId
        self.relationshipStatus = relationshipStatus
        self.invitedAt = invitedAt
    }
}

public struct ListInvitationsResponse: Codable, Sendable {
    public var invitations: [Invitation]
    public var nextToken: String?
    public init(invitations: [Invitation], nextToken: String?) {
        self.invitations = invitations
        self.nextToken = nextToken
    }
}

public struct GetInvitationsCountResponse: Codable, Sendable {
    public var invitationsCount: Int
    public init(invitationsCount: Int) { self.invitationsCount = invitationsCount }
}

public struct AcceptAdministratorInvitationRequest: Codable, Sendable {
    public var administratorId: String
    public var invitationId: String
}

public struct AcceptInvitationRequest: Codable, Sendable {
    public var masterId: String
    public var invitationId: String
}

/// `Administrator` / `Master`: the account a member is associated with.
public struct AdministratorInfo: Codable, Sendable, Equatable {
    public var accountId: String
    public var invitationId: String?
    public var relationshipStatus: RelationshipStatus
    public var invitedAt: String?
    public init(accountId: String, invitationId: String?, relationshipStatus: RelationshipStatus, invitedAt: String?) {
        self.accountId = accountId
        self.invitationId = invitationId
        self.relationshipStatus = relationshipStatus
        self.invitedAt = invitedAt
    }
}

public struct GetAdministratorAccountResponse: Codable, Sendable {
    public var administrator: AdministratorInfo
    public init(administrator: AdministratorInfo) { self.administrator = administrator }
}

public struct GetMasterAccountResponse: Codable, Sendable {
    public var master: AdministratorInfo
    public init(master: AdministratorInfo) { self.master = master }
}

/// `UpdateMemberDetectorsRequest`.
public struct UpdateMemberDetectorsRequest: Codable, Sendable {
    public var accountIds: [String]
    public var dataSources: DataSourceConfigurations?
    public var features: [DetectorFeatureConfiguration]?
}

/// `MemberDataSourceConfiguration` of GetMemberDetectors.
public struct MemberDataSourceConfiguration: Codable, Sendable {
    public var accountId: String
    public var dataSources: DataSourceConfigurationsResult
    public var features: [MemberFeaturesConfigurationResult]
    public init(accountId: String, dataSources: DataSourceConfigurationsResult, features: [MemberFeaturesConfigurationResult]) {
        self.accountId = accountId
        self.dataSources = dataSources
        self.features = features
    }
}

public struct MemberFeaturesConfigurationResult: Codable, Sendable {
    public var name: String
    public var status: FeatureStatus
    public var updatedAt: Double
    public var additionalConfiguration: [DetectorAdditionalConfigurationResult]?
    public init(name: String, status: FeatureStatus, updatedAt: Double, additionalConfiguration: [DetectorAdditionalConfigurationResult]?) {
        self.name = name
        self.status = status
        self.updatedAt = updatedAt
        self.additionalConfiguration = additionalConfiguration
    }
}

public struct GetMemberDetectorsResponse: Codable, Sendable {
    public var members: [MemberDataSourceConfiguration]
    public var unprocessedAccounts: [UnprocessedAccount]
    public init(members: [MemberDataSourceConfiguration], unprocessedAccounts: [UnprocessedAccount]) {
        self.members = members
        self.unprocessedAccounts = unprocessedAccounts
    }
}
