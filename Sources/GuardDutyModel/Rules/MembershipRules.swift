/// GuardDuty's administrator/member state machine as pure functions: given a member's relationship status,
/// each operation either moves it to a new status or reports why not, in the words GuardDuty uses in
/// `unprocessedAccounts`. The stores apply these inside one transaction per request.
public enum MembershipRules {
    public enum Reason {
        public static let notMember = "The request is rejected because the input account ID is not a member of the current account."
        public static let alreadyMember =
            "The request is rejected because the given account ID is already a member or associated member of the current account."
        public static let selfMember = "The request is rejected because an account cannot become a member of itself."
        public static let alreadyInvitedOrAssociated =
            "The request is rejected because the current account has already invited or is already the GuardDuty administrator of the given member "
            + "account ID."
        public static let callerIsMember =
            "The request is rejected because the current account cannot create members because it is already a member of another administrator "
            + "account."
        public static let notAssociated =
            "The request is rejected because the given account ID is not an associated member of the current account."
        public static let stillAssociated =
            "The request is rejected because the given account ID is still an associated member; disassociate it first with DisassociateMembers."
        public static let organizationAll =
            "The request is rejected because the organization's autoEnableOrganizationMembers is ALL: organization members cannot be disassociated "
            + "or stopped while they are in the organization."
        public static func memberLimit(_ limit: Int) -> String {
            "The request is rejected because the current account cannot create more members because it cannot exceed the maximum number of allowed "
                + "members (\(limit))."
        }
        public static func unknownAccount(_ accountId: String) -> String {
            "The request is rejected because account ID \(accountId) is not an account of this Guardpost organisation; create it with "
                + "'guardpost-admin accounts create' first."
        }
        public static let noInvitation = "The request is rejected because there is no invitation from the given account ID to the current account."
        public static let declineAssociated =
            "The request is rejected because the current account is associated with the given administrator account; disassociate from it first."
        public static func associatedElsewhere(_ accountId: String) -> String {
            "The request is rejected because account \(accountId) is already associated with another administrator account."
        }
        public static let deleteNotDeclined =
            "The request is rejected because the invitation from the given account ID has not been declined; decline it first with "
            + "DeclineInvitations."
    }

    /// The outcome of applying an operation to one member.
    public enum Outcome: Equatable, Sendable {
        case moveTo(RelationshipStatus)
        case unchanged
        case delete
        case rejected(String)
    }

    public static func invite(_ status: RelationshipStatus) -> Outcome {
        status.isAssociated ? .rejected(Reason.alreadyInvitedOrAssociated) : .moveTo(.invited)
    }

    public static func stopMonitoring(_ status: RelationshipStatus, organizationAll: Bool) -> Outcome {
        switch status {
        case .enabled: return organizationAll ? .rejected(Reason.organizationAll) : .moveTo(.disabled)
        case .disabled: return .unchanged
        default: return .rejected(Reason.notAssociated)
        }
    }

    public static func startMonitoring(_ status: RelationshipStatus) -> Outcome {
        switch status {
        case .disabled: return .moveTo(.enabled)
        case .enabled: return .unchanged
        default: return .rejected(Reason.notAssociated)
        }
    }

    public static func disassociate(_ status: RelationshipStatus, organizationAll: Bool) -> Outcome {
        switch status {
        case .enabled, .disabled: return organizationAll ? .rejected(Reason.organizationAll) : .moveTo(.removed)
        case .invited, .emailVerificationInProgress, .emailVerificationFailed: return .moveTo(.removed)
        case .removed, .resigned: return .unchanged
        case .created: return .rejected(Reason.notAssociated)
        }
    }

    public static func delete(_ status: RelationshipStatus) -> Outcome {
        status.isAssociated ? .rejected(Reason.stillAssociated) : .delete
    }

    /// A member may accept while invited, or again after it resigned (the invitation survives resignation).
    public static func accept(_ status: RelationshipStatus) -> Outcome {
        switch status {
        case .invited, .resigned: return .moveTo(.enabled)
        case .enabled, .disabled: return .unchanged
        default: return .rejected(Reason.noInvitation)
        }
    }

    public static func resign(_ status: RelationshipStatus) -> Outcome {
        status.isAssociated ? .moveTo(.resigned) : .rejected(Reason.notAssociated)
    }

    /// CreateMembers on an existing record: only a removed member can be created again.
    public static func recreate(_ status: RelationshipStatus) -> Outcome {
        status == .removed ? .moveTo(.created) : .rejected(Reason.alreadyMember)
    }
}
