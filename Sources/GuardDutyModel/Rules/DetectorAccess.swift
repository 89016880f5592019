/// Who may do what to which detector. A detector answers only its own account in its own region (any other id is
/// "not owned", so ids of other accounts reveal nothing); an associated member's settings, findings' archive state
/// and suppression rules belong to its administrator; a detector with members, or of a member, cannot be deleted.
public enum DetectorAccess {
    /// The detector (owner account and region, nil when there is no such detector) is the caller's.
    public static func requireOwned(owner: (accountId: String, region: String)?, accountId: String, region: String) throws {
        guard let owner, owner.accountId == accountId, owner.region == region else { throw GuardDutyError.detectorNotOwned }
    }

    /// CreateDetector: one detector per account and region. A retry with the same client token answers the
    /// existing detector (its id is returned); anything else is refused.
    public static func createDetector(existing: (detectorId: String, clientToken: String?)?, clientToken: String?) throws -> String? {
        guard let existing else { return nil }
        if let clientToken, !clientToken.isEmpty, existing.clientToken == clientToken { return existing.detectorId }
        throw GuardDutyError.badRequest("The request is rejected because a detector already exists for the current account.")
    }

    /// An associated member runs with its administrator's frequency and with the features its administrator sets on
    /// its detector (UpdateMemberDetectors, auto-enable); it may still enable or disable its own detector.
    public static func updateDetector(changesSettings: Bool, administrator: String?) throws {
        guard changesSettings, let administrator else { return }
        throw GuardDutyError.badRequest(
            "The request is rejected because the current account is a member of administrator account \(administrator), "
                + "which manages findingPublishingFrequency and features for it."
        )
    }

    /// DeleteDetector: not while it has invited or associated members, nor while it is a member.
    public static func deleteDetector(invitedOrAssociatedMembers: Int, administrator: String?) throws {
        if invitedOrAssociatedMembers > 0 {
            throw GuardDutyError.badRequest(
                "The request is rejected because the detector has \(invitedOrAssociatedMembers) invited or associated member accounts; "
                    + "disassociate and delete them first."
            )
        }
        if let administrator {
            throw GuardDutyError.badRequest(
                "The request is rejected because the current account is a member of administrator account \(administrator); disassociate from it "
                    + "first."
            )
        }
    }

    /// Members' findings are archived (and suppression rules made) by their Enabled administrator, never by themselves.
    public static func requireNotMember(enabledAdministrator: String?, doing what: String) throws {
        guard let enabledAdministrator else { return }
        throw GuardDutyError.badRequest(
            "The request is rejected because the current account is a member of administrator account \(enabledAdministrator); "
                + "only the administrator account can \(what)."
        )
    }

    /// The detector id of a tagging request's ARN (`arn:aws:guardduty:REGION:ACCOUNT:detector/ID`), which must be
    /// the caller's account and region.
    public static func detectorId(fromArn arn: String, accountId: String, region: String) throws -> String {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "guardduty", parts[5].hasPrefix("detector/") else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the resourceArn '\(arn.prefix(300))' is not a GuardDuty detector ARN "
                    + "(arn:aws:guardduty:REGION:ACCOUNT:detector/ID)."
            )
        }
        guard parts[3] == region, parts[4] == accountId else {
            throw GuardDutyError.accessDenied(
                "The request is rejected because the resource \(arn) does not belong to the current account and region."
            )
        }
        return String(parts[5].dropFirst("detector/".count))
    }

    /// The service-linked role GuardDuty reports for an account's detector.
    public static func serviceRole(_ accountId: String) -> String {
        "arn:aws:iam::\(accountId):role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
    }
}
