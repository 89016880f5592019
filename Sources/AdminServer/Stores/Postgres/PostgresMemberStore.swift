import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Administrator/member relationships and invitations in PostgreSQL. Every operation is one transaction that
/// first locks the administrator's detector, so concurrent changes to one administrator's members serialise.
/// The decisions (who may become a member, each state-machine step, the unprocessed wording) are `MembershipRules`;
/// this type loads the rows, asks the rules and writes the result. Split: creation and reads here, `+Transitions`
/// (disassociate, delete, monitoring, member detectors), `+Invitations` (the member's side).
public struct PostgresMemberStore: MemberStore {
    let context: PostgresStoreContext

    public init(context: PostgresStoreContext) {
        self.context = context
    }

    var logger: Logger { self.context.logger }

    /// A member record as the administrator keeps it.
    struct MemberRow: Sendable {
        var accountId: String
        var email: String
        var status: RelationshipStatus
        var invitationId: String?
        var invitedAt: String?
        var updatedAt: String
        var memberDetectorId: String?
        /// The member's own detector's features (empty while it has no detector).
        var features: FeatureSettings
        var addedByOrganization: Bool

        var state: MembershipRules.MemberState { MembershipRules.MemberState(status: self.status, addedByOrganization: self.addedByOrganization) }

        func member(administratorId: String) -> Member {
            Member(
                accountId: self.accountId, detectorId: self.memberDetectorId, administratorId: administratorId, email: self.email,
                relationshipStatus: self.status, invitedAt: self.invitedAt, updatedAt: self.updatedAt
            )
        }
    }

    static let memberColumns = """
        m.account_id, m.email, m.relationship_status, m.invitation_id, \(SQL.isoTimestamp("m.invited_at")), \(SQL.isoTimestamp("m.updated_at")),
        (SELECT d.detector_id FROM detectors d WHERE d.account_id = m.account_id AND d.region = m.region),
        COALESCE((SELECT d.features::text FROM detectors d WHERE d.account_id = m.account_id AND d.region = m.region), '{"features": {}}'),
        m.added_by_organization
        """

    typealias MemberTuple = (String, String, String, String?, String?, String, String?, String, Bool)

    static func row(_ tuple: MemberTuple) throws -> MemberRow {
        MemberRow(
            accountId: tuple.0, email: tuple.1, status: RelationshipStatus(rawValue: tuple.2) ?? .created, invitationId: tuple.3,
            invitedAt: tuple.4, updatedAt: tuple.5, memberDetectorId: tuple.6,
            features: try PostgresStoreContext.decodeJSON(FeatureSettings.self, tuple.7), addedByOrganization: tuple.8
        )
    }

    func members(_ connection: PostgresConnection, admin: String, region: String, accountIds: [String]) async throws -> [String: MemberRow] {
        var rows: [String: MemberRow] = [:]
        for try await tuple in try await connection.query(
            """
            SELECT \(unescaped: Self.memberColumns) FROM members m
            WHERE m.administrator_id = \(admin) AND m.region = \(region) AND m.account_id = ANY(\(accountIds))
            FOR UPDATE OF m
            """,
            logger: self.logger
        ).decode(MemberTuple.self) {
            let row = try Self.row(tuple)
            rows[row.accountId] = row
        }
        return rows
    }

    func setStatus(_ connection: PostgresConnection, admin: String, region: String, account: String, _ status: RelationshipStatus) async throws {
        try await connection.query(
            """
            UPDATE members SET relationship_status = \(status.rawValue), updated_at = now()
            WHERE administrator_id = \(admin) AND region = \(region) AND account_id = \(account)
            """,
            logger: self.logger
        ).consume()
    }

    /// Pending invitations from `admin` to `account` stop being acceptable.
    func withdrawInvitations(_ connection: PostgresConnection, admin: String, region: String, account: String) async throws {
        try await connection.query(
            """
            UPDATE invitations SET status = 'Withdrawn', updated_at = now()
            WHERE administrator_id = \(admin) AND region = \(region) AND account_id = \(account) AND status IN ('Invited', 'Accepted')
            """,
            logger: self.logger
        ).consume()
    }

    func organizationAll(_ connection: PostgresConnection, admin: String, region: String) async throws -> Bool {
        guard try await connection.organizationAdmin(region: region, logger: self.logger) == admin else { return false }
        return try await connection.organizationSettings(admin: admin, region: region, logger: self.logger).autoEnableOrganizationMembers == .all
    }

    // MARK: administrator side

    public func createMembers(caller: Caller, detectorId: String, accounts: [AccountDetail]) async throws -> [UnprocessedAccount] {
        try MembershipRules.validateCreate(accounts)
        return try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            if try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger) != nil {
                return MembershipRules.creatorIsMember(accounts.map(\.accountId))
            }
            let isOrganizationAdmin = try await connection.organizationAdmin(region: caller.region, logger: self.logger) == caller.accountId
            let settings =
                isOrganizationAdmin
                ? try await connection.organizationSettings(admin: caller.accountId, region: caller.region, logger: self.logger) : nil
            let limit = MembershipRules.memberLimit(isOrganizationAdministrator: isOrganizationAdmin)
            var count = try await connection.memberCount(admin: caller.accountId, region: caller.region, logger: self.logger)
            let existing = try await self.members(connection, admin: caller.accountId, region: caller.region, accountIds: accounts.map(\.accountId))
            var unprocessed: [UnprocessedAccount] = []
            for account in accounts {
                var exists = false
                if account.accountId != caller.accountId { exists = try await connection.accountExists(account.accountId, logger: self.logger) }
                let creation = MembershipRules.create(
                    account.accountId, callerAccountId: caller.accountId, accountExists: exists, existing: existing[account.accountId]?.status,
                    memberCount: count, limit: limit
                )
                switch creation {
                case .rejected(let reason):
                    unprocessed.append(UnprocessedAccount(accountId: account.accountId, result: reason))
                    continue
                case .recreate: try await self.recreate(connection, admin: caller.accountId, region: caller.region, account: account)
                case .insert: try await self.insert(connection, admin: caller.accountId, region: caller.region, account: account)
                }
                count += 1
                // A delegated administrator's members are enabled at once, without an invitation.
                if let settings,
                    !(try await connection.enrollOrganizationMember(
                        admin: caller.accountId, region: caller.region, account: account.accountId, settings: settings, logger: self.logger
                    ))
                {
                    let reason = MembershipRules.Reason.associatedElsewhere(account.accountId)
                    unprocessed.append(UnprocessedAccount(accountId: account.accountId, result: reason))
                }
            }
            return unprocessed
        }
    }

    /// A removed member's record becomes a Created one again, its invitation forgotten.
    private func recreate(_ connection: PostgresConnection, admin: String, region: String, account: AccountDetail) async throws {
        try await connection.query(
            """
            UPDATE members SET relationship_status = 'Created', email = \(account.email), invitation_id = NULL, invited_at = NULL,
                   added_by_organization = false, updated_at = now()
            WHERE administrator_id = \(admin) AND region = \(region) AND account_id = \(account.accountId)
            """,
            logger: self.logger
        ).consume()
    }

    private func insert(_ connection: PostgresConnection, admin: String, region: String, account: AccountDetail) async throws {
        try await connection.query(
            """
            INSERT INTO members (administrator_id, region, account_id, email, relationship_status)
            VALUES (\(admin), \(region), \(account.accountId), \(account.email), 'Created')
            """,
            logger: self.logger
        ).consume()
    }

    public func inviteMembers(caller: Caller, detectorId: String, accountIds: [String], message: String?) async throws -> [UnprocessedAccount] {
        try MembershipRules.validateInvite(accountIds: accountIds, message: message)
        return try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            let rows = try await self.members(connection, admin: caller.accountId, region: caller.region, accountIds: accountIds)
            let plan = MembershipRules.plan(accountIds, members: rows.mapValues(\.state), organizationAll: false) { member, _ in
                MembershipRules.invite(member.status)
            }
            for account in plan.changes.map(\.accountId) {
                try await self.withdrawInvitations(connection, admin: caller.accountId, region: caller.region, account: account)
                let invitationId = PostgresStoreContext.newIdentifier()
                try await connection.query(
                    """
                    INSERT INTO invitations (invitation_id, administrator_id, account_id, region, message, status)
                    VALUES (\(invitationId), \(caller.accountId), \(account), \(caller.region), \(message), 'Invited')
                    """,
                    logger: self.logger
                ).consume()
                try await connection.query(
                    """
                    UPDATE members SET relationship_status = 'Invited', invitation_id = \(invitationId), invited_at = now(), updated_at = now()
                    WHERE administrator_id = \(caller.accountId) AND region = \(caller.region) AND account_id = \(account)
                    """,
                    logger: self.logger
                ).consume()
            }
            return plan.unprocessed
        }
    }

    public func getMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> GetMembersResponse {
        try Validate.accountIds(accountIds)
        return try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            var rows: [String: MemberRow] = [:]
            for try await tuple in try await connection.query(
                """
                SELECT \(unescaped: Self.memberColumns) FROM members m
                WHERE m.administrator_id = \(caller.accountId) AND m.region = \(caller.region) AND m.account_id = ANY(\(accountIds))
                """,
                logger: self.logger
            ).decode(MemberTuple.self) {
                let row = try Self.row(tuple)
                rows[row.accountId] = row
            }
            var members: [Member] = []
            var unprocessed: [UnprocessedAccount] = []
            for account in accountIds {
                if let reason = MembershipRules.readable(rows[account]?.status, requireAssociated: false) {
                    unprocessed.append(.init(accountId: account, result: reason))
                } else if let row = rows[account] {
                    members.append(row.member(administratorId: caller.accountId))
                }
            }
            return GetMembersResponse(members: members, unprocessedAccounts: unprocessed)
        }
    }

    public func listMembers(caller: Caller, detectorId: String, onlyAssociated: Bool, maxResults: Int, nextToken: String?) async throws -> Page<
        Member
    > {
        let after = try PageToken.decode(nextToken) ?? ""
        return try await self.context.client.withConnection { connection in
            _ = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            var members: [Member] = []
            for try await tuple in try await connection.query(
                """
                SELECT \(unescaped: Self.memberColumns) FROM members m
                WHERE m.administrator_id = \(caller.accountId) AND m.region = \(caller.region) AND m.account_id > \(after)
                  AND (NOT \(onlyAssociated) OR m.relationship_status IN ('Enabled', 'Disabled'))
                ORDER BY m.account_id LIMIT \(maxResults + 1)
                """,
                logger: self.logger
            ).decode(MemberTuple.self) {
                members.append(try Self.row(tuple).member(administratorId: caller.accountId))
            }
            let more = members.count > maxResults
            members = Array(members.prefix(maxResults))
            return Page(items: members, nextToken: more ? members.last.map { PageToken.encode($0.accountId) } : nil)
        }
    }
}
