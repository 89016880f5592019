import Foundation
import GuardDutyModel

/// The accounts page: members with their actions and agent health (an administrator's), the invitations to this
/// account (a member's), and the agents.
struct AccountsView {
    /// A member action button.
    struct Action {
        let value: String
        let label: String
    }

    /// One member account.
    struct Member {
        let accountId: String
        let email: String
        let status: String
        let healthy: Int
        let agentCount: Int
    }

    /// One invitation to this account.
    struct Invitation {
        let accountId: String
        let status: String
        let invitedAt: String
        let invitationId: String
    }

    /// One agent (a coverage resource).
    struct Agent {
        let resourceId: String
        let accountId: String
        let instanceId: String
        let status: String
        let issue: String
    }

    let actions = ["invite", "disassociate", "stop", "start", "delete"].map { Action(value: $0, label: $0.capitalized) }
    let members: [Member]
    let invitations: [Invitation]
    let agents: [Agent]
}

extension AccountsView {
    init(members: [GuardDutyModel.Member], coverage: [CoverageResource], invitations: [GuardDutyModel.Invitation]) {
        self.members = members.map { member in
            let agents = coverage.filter { $0.accountId == member.accountId }
            return Member(
                accountId: member.accountId, email: member.email, status: member.relationshipStatus.rawValue,
                healthy: agents.filter { $0.coverageStatus == "HEALTHY" }.count, agentCount: agents.count
            )
        }
        self.invitations = invitations.map {
            Invitation(accountId: $0.accountId, status: $0.relationshipStatus.rawValue, invitedAt: $0.invitedAt, invitationId: $0.invitationId)
        }
        self.agents = coverage.map {
            Agent(
                resourceId: $0.resourceId, accountId: $0.accountId, instanceId: $0.resourceDetails.ec2InstanceDetails.instanceId,
                status: $0.coverageStatus, issue: $0.issue ?? ""
            )
        }
    }
}
