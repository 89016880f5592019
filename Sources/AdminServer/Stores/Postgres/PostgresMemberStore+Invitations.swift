import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// The member's side: invitations received, accepting, declining and deleting them, leaving the administrator.
extension PostgresMemberStore {
    public func listInvitations(caller: Caller, maxResults: Int, nextToken: String?) async throws -> Page<Invitation> {
        let after = try PageToken.decode(nextToken) ?? ""
        var invitations: [Invitation] = []
        for try await row in try await self.context.client.query(
            """
            SELECT i.administrator_id, i.invitation_id, i.status, \(unescaped: SQL.isoTimestamp("i.invited_at")), m.relationship_status
            FROM invitations i
            LEFT JOIN members m ON m.administrator_id = i.administrator_id AND m.region = i.region AND m.account_id = i.account_id
            WHERE i.account_id = \(caller.accountId) AND i.region = \(caller.region) AND i.status IN ('Invited', 'Accepted')
              AND i.invitation_id > \(after)
            ORDER BY i.invitation_id LIMIT \(maxResults + 1)
            """,
            logger: self.logger
        ).decode((String, String, String, String, String?).self) {
            let status: RelationshipStatus = row.2 == "Accepted" ? (row.4.flatMap(RelationshipStatus.init(rawValue:)) ?? .enabled) : .invited
            invitations.append(Invitation(accountId: row.0, invitationId: row.1, relationshipStatus: status, invitedAt: row.3))
        }
        let more = invitations.count > maxResults
        invitations = Array(invitations.prefix(maxResults))
        return Page(items: invitations, nextToken: more ? invitations.last.map { PageToken.encode($0.invitationId) } : nil)
    }

    public func invitationsCount(caller: Caller) async throws -> Int {
        for try await (count) in try await self.context.client.query(
            "SELECT count(*) FROM invitations WHERE account_id = \(caller.accountId) AND region = \(caller.region) AND status = 'Invited'",
            logger: self.logger
        ).decode(Int.self) {
            return count
        }
        return 0
    }

    public func acceptInvitation(caller: Caller, detectorId: String, administratorId: String, invitationId: String) async throws {
        try MembershipRules.validateAccept(administratorId: administratorId, invitationId: invitationId)
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            let current = try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger)
            guard try MembershipRules.mayAccept(from: administratorId, currentAdministrator: current) else { return }
            var ownMembers = 0
            for try await (count) in try await connection.query(
                """
                SELECT count(*) FROM members WHERE administrator_id = \(caller.accountId) AND region = \(caller.region)
                  AND relationship_status NOT IN ('Removed', 'Resigned')
                """,
                logger: self.logger
            ).decode(Int.self) {
                ownMembers = count
            }
            try MembershipRules.requireNoMembers(toAccept: ownMembers)
            var pending = false
            for try await _ in try await connection.query(
                """
                SELECT 1 FROM invitations WHERE invitation_id = \(invitationId) AND administrator_id = \(administratorId)
                  AND account_id = \(caller.accountId) AND region = \(caller.region) AND status = 'Invited' FOR UPDATE
                """,
                logger: self.logger
            ).decode(Int.self) {
                pending = true
            }
            // The member row is read (and locked) only for a pending invitation, as the rule checks in this order.
            var status: RelationshipStatus?
            if pending {
                status = try await self.members(connection, admin: administratorId, region: caller.region, accountIds: [caller.accountId])[
                    caller.accountId
                ]?.status
            }
            try MembershipRules.acceptInvitation(
                invitationId: invitationId, administratorId: administratorId, region: caller.region, pending: pending, memberStatus: status
            )
            try await self.setStatus(connection, admin: administratorId, region: caller.region, account: caller.accountId, .enabled)
            try await connection.query(
                "UPDATE invitations SET status = 'Accepted', updated_at = now() WHERE invitation_id = \(invitationId)", logger: self.logger
            ).consume()
            try await connection.bumpConfigVersion(accounts: [caller.accountId], region: caller.region, logger: self.logger)
        }
    }

    /// Decline (or delete) the invitations from each listed inviter.
    private func answerInvitations(caller: Caller, administratorIds: [String], delete: Bool) async throws -> [UnprocessedAccount] {
        try Validate.accountIds(administratorIds)
        return try await self.context.transaction { connection in
            let current = try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger)
            var unprocessed: [UnprocessedAccount] = []
            for admin in administratorIds {
                var states = Set<MembershipRules.InvitationState>()
                if current != admin {
                    for try await (status) in try await connection.query(
                        """
                        SELECT status FROM invitations WHERE administrator_id = \(admin) AND account_id = \(caller.accountId)
                          AND region = \(caller.region) AND status IN ('Invited', 'Accepted', 'Declined') FOR UPDATE
                        """,
                        logger: self.logger
                    ).decode(String.self) {
                        if let state = MembershipRules.InvitationState(rawValue: status) { states.insert(state) }
                    }
                }
                switch MembershipRules.answer(from: admin, currentAdministrator: current, states: states, deleting: delete) {
                case .rejected(let reason): unprocessed.append(.init(accountId: admin, result: reason))
                case .delete: try await self.setInvitations(connection, from: admin, caller: caller, to: .deleted, from: [.declined])
                case .decline: try await self.setInvitations(connection, from: admin, caller: caller, to: .declined, from: [.invited, .accepted])
                }
            }
            return unprocessed
        }
    }

    /// Moves the caller's invitations from `admin` in the given states to `state`.
    private func setInvitations(
        _ connection: PostgresConnection, from admin: String, caller: Caller, to state: MembershipRules.InvitationState,
        from states: [MembershipRules.InvitationState]
    ) async throws {
        try await connection.query(
            """
            UPDATE invitations SET status = \(state.rawValue), updated_at = now() WHERE administrator_id = \(admin)
              AND account_id = \(caller.accountId) AND region = \(caller.region) AND status = ANY(\(states.map(\.rawValue)))
            """,
            logger: self.logger
        ).consume()
    }

    public func declineInvitations(caller: Caller, administratorIds: [String]) async throws -> [UnprocessedAccount] {
        try await self.answerInvitations(caller: caller, administratorIds: administratorIds, delete: false)
    }

    public func deleteInvitations(caller: Caller, administratorIds: [String]) async throws -> [UnprocessedAccount] {
        try await self.answerInvitations(caller: caller, administratorIds: administratorIds, delete: true)
    }

    public func administrator(caller: Caller, detectorId: String) async throws -> AdministratorInfo? {
        try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            for try await row in try await connection.query(
                """
                SELECT administrator_id, invitation_id, relationship_status, \(unescaped: SQL.isoTimestamp("invited_at"))
                FROM members WHERE account_id = \(caller.accountId) AND region = \(caller.region)
                  AND relationship_status IN ('Enabled', 'Disabled')
                """,
                logger: self.logger
            ).decode((String, String?, String, String?).self) {
                return AdministratorInfo(
                    accountId: row.0, invitationId: row.1, relationshipStatus: RelationshipStatus(rawValue: row.2) ?? .enabled, invitedAt: row.3
                )
            }
            return nil
        }
    }

    public func disassociateFromAdministrator(caller: Caller, detectorId: String) async throws {
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            let admin = try MembershipRules.resignFromAdministrator(
                try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger)
            )
            let row = try await self.members(connection, admin: admin, region: caller.region, accountIds: [caller.accountId])[caller.accountId]
            if let row, row.addedByOrganization {
                let organizationAll = try await self.organizationAll(connection, admin: admin, region: caller.region)
                try MembershipRules.resignAllowed(addedByOrganization: true, organizationAll: organizationAll)
            }
            try await self.setStatus(connection, admin: admin, region: caller.region, account: caller.accountId, .resigned)
            // The invitation survives a resignation: the member may accept it again.
            if let invitationId = row?.invitationId {
                try await connection.query(
                    "UPDATE invitations SET status = 'Invited', updated_at = now() WHERE invitation_id = \(invitationId) AND status = 'Accepted'",
                    logger: self.logger
                ).consume()
            }
            try await connection.bumpConfigVersion(accounts: [caller.accountId], region: caller.region, logger: self.logger)
        }
    }
}
