import Foundation
import GuardDutyModel
import Logging
import PostgresNIO

/// Administrator/member relationships and invitations in PostgreSQL. Every operation is one transaction that
/// first locks the administrator's detector, so concurrent changes to one administrator's members serialise.
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
        var features: FeatureSettings
        var addedByOrganization: Bool

        func member(administratorId: String) -> Member {
            Member(
                accountId: self.accountId, detectorId: self.memberDetectorId, administratorId: administratorId, email: self.email,
                relationshipStatus: self.status, invitedAt: self.invitedAt, updatedAt: self.updatedAt
            )
        }
    }

    private static let memberColumns = """
        m.account_id, m.email, m.relationship_status, m.invitation_id, \(SQL.isoTimestamp("m.invited_at")), \(SQL.isoTimestamp("m.updated_at")),
        (SELECT d.detector_id FROM detectors d WHERE d.account_id = m.account_id AND d.region = m.region), m.features::text, m.added_by_organization
        """

    private typealias MemberTuple = (String, String, String, String?, String?, String, String?, String, Bool)

    private static func row(_ tuple: MemberTuple) throws -> MemberRow {
        MemberRow(
            accountId: tuple.0, email: tuple.1, status: RelationshipStatus(rawValue: tuple.2) ?? .created, invitationId: tuple.3,
            invitedAt: tuple.4, updatedAt: tuple.5, memberDetectorId: tuple.6,
            features: try PostgresStoreContext.decodeJSON(FeatureSettings.self, tuple.7), addedByOrganization: tuple.8
        )
    }

    private func members(_ connection: PostgresConnection, admin: String, region: String, accountIds: [String]) async throws -> [String: MemberRow] {
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

    private func setStatus(_ connection: PostgresConnection, admin: String, region: String, account: String, _ status: RelationshipStatus) async throws {
        try await connection.query(
            """
            UPDATE members SET relationship_status = \(status.rawValue), updated_at = now()
            WHERE administrator_id = \(admin) AND region = \(region) AND account_id = \(account)
            """,
            logger: self.logger
        )
    }

    /// Pending invitations from `admin` to `account` stop being acceptable.
    private func withdrawInvitations(_ connection: PostgresConnection, admin: String, region: String, account: String) async throws {
        try await connection.query(
            """
            UPDATE invitations SET status = 'Withdrawn', updated_at = now()
            WHERE administrator_id = \(admin) AND region = \(region) AND account_id = \(account) AND status IN ('Invited', 'Accepted')
            """,
            logger: self.logger
        )
    }

    private func organizationAll(_ connection: PostgresConnection, admin: String, region: String) async throws -> Bool {
        guard try await connection.organizationAdmin(region: region, logger: self.logger) == admin else { return false }
        return try await connection.organizationSettings(admin: admin, region: region, logger: self.logger).autoEnableOrganizationMembers == .all
    }

    // MARK: administrator side

    public func createMembers(caller: Caller, detectorId: String, accounts: [AccountDetail]) async throws -> [UnprocessedAccount] {
        try Validate.accountIds(accounts.map(\.accountId), field: "accountDetails")
        for account in accounts { try Validate.email(account.email, accountId: account.accountId) }
        return try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            if try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger) != nil {
                return accounts.map { UnprocessedAccount(accountId: $0.accountId, result: MembershipRules.Reason.callerIsMember) }
            }
            let isOrganizationAdmin = try await connection.organizationAdmin(region: caller.region, logger: self.logger) == caller.accountId
            let settings = isOrganizationAdmin
                ? try await connection.organizationSettings(admin: caller.accountId, region: caller.region, logger: self.logger) : nil
            let limit = isOrganizationAdmin ? Validate.maxOrganizationMembers : Validate.maxMembersPerAdministrator
            var count = try await connection.memberCount(admin: caller.accountId, region: caller.region, logger: self.logger)
            let existing = try await self.members(connection, admin: caller.accountId, region: caller.region, accountIds: accounts.map(\.accountId))
            var unprocessed: [UnprocessedAccount] = []
            for account in accounts {
                func reject(_ reason: String) { unprocessed.append(UnprocessedAccount(accountId: account.accountId, result: reason)) }
                if account.accountId == caller.accountId { reject(MembershipRules.Reason.selfMember); continue }
                guard try await connection.accountExists(account.accountId, logger: self.logger) else {
                    reject(MembershipRules.Reason.unknownAccount(account.accountId)); continue
                }
                if let row = existing[account.accountId] {
                    if case .rejected(let reason) = MembershipRules.recreate(row.status) { reject(reason); continue }
                    try await connection.query(
                        """
                        UPDATE members SET relationship_status = 'Created', email = \(account.email), invitation_id = NULL, invited_at = NULL,
                               added_by_organization = false, updated_at = now()
                        WHERE administrator_id = \(caller.accountId) AND region = \(caller.region) AND account_id = \(account.accountId)
                        """,
                        logger: self.logger
                    )
                } else {
                    guard count < limit else { reject(MembershipRules.Reason.memberLimit(limit)); continue }
                    try await connection.query(
                        """
                        INSERT INTO members (administrator_id, region, account_id, email, relationship_status)
                        VALUES (\(caller.accountId), \(caller.region), \(account.accountId), \(account.email), 'Created')
                        """,
                        logger: self.logger
                    )
                }
                count += 1
                if let settings {
                    // A delegated administrator's members are enabled at once, without an invitation.
                    let enrolled = try await connection.enrollOrganizationMember(
                        admin: caller.accountId, region: caller.region, account: account.accountId, settings: settings, logger: self.logger
                    )
                    if !enrolled {
                        reject("The request is rejected because account \(account.accountId) is already associated with another administrator account.")
                    }
                }
            }
            return unprocessed
        }
    }

    public func inviteMembers(caller: Caller, detectorId: String, accountIds: [String], message: String?) async throws -> [UnprocessedAccount] {
        try Validate.accountIds(accountIds)
        if let message, message.count > 10_000 {
            throw GuardDutyError.badRequest("The request is rejected because the invitation message is longer than 10,000 characters.")
        }
        return try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            let rows = try await self.members(connection, admin: caller.accountId, region: caller.region, accountIds: accountIds)
            var unprocessed: [UnprocessedAccount] = []
            for account in accountIds {
                guard let row = rows[account] else {
                    unprocessed.append(.init(accountId: account, result: MembershipRules.Reason.notMember)); continue
                }
                if case .rejected(let reason) = MembershipRules.invite(row.status) {
                    unprocessed.append(.init(accountId: account, result: reason)); continue
                }
                try await self.withdrawInvitations(connection, admin: caller.accountId, region: caller.region, account: account)
                let invitationId = PostgresStoreContext.newIdentifier()
                try await connection.query(
                    """
                    INSERT INTO invitations (invitation_id, administrator_id, account_id, region, message, status)
                    VALUES (\(invitationId), \(caller.accountId), \(account), \(caller.region), \(message), 'Invited')
                    """,
                    logger: self.logger
                )
                try await connection.query(
                    """
                    UPDATE members SET relationship_status = 'Invited', invitation_id = \(invitationId), invited_at = now(), updated_at = now()
                    WHERE administrator_id = \(caller.accountId) AND region = \(caller.region) AND account_id = \(account)
                    """,
                    logger: self.logger
                )
            }
            return unprocessed
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
                if let row = rows[account] {
                    members.append(row.member(administratorId: caller.accountId))
                } else {
                    unprocessed.append(.init(accountId: account, result: MembershipRules.Reason.notMember))
                }
            }
            return GetMembersResponse(members: members, unprocessedAccounts: unprocessed)
        }
    }

    public func listMembers(caller: Caller, detectorId: String, onlyAssociated: Bool, maxResults: Int, nextToken: String?) async throws -> Page<Member> {
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

    /// Applies a state-machine step to each listed member; `effect` runs for those that moved.
    private func transition(
        caller: Caller, detectorId: String, accountIds: [String],
        rule: @escaping @Sendable (MemberRow, _ organizationAll: Bool) -> MembershipRules.Outcome,
        effect: @escaping @Sendable (PostgresConnection, MemberRow, MembershipRules.Outcome) async throws -> Void
    ) async throws -> [UnprocessedAccount] {
        try Validate.accountIds(accountIds)
        return try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            let organizationAll = try await self.organizationAll(connection, admin: caller.accountId, region: caller.region)
            let rows = try await self.members(connection, admin: caller.accountId, region: caller.region, accountIds: accountIds)
            var unprocessed: [UnprocessedAccount] = []
            var changed: [String] = []
            for account in accountIds {
                guard let row = rows[account] else {
                    unprocessed.append(.init(accountId: account, result: MembershipRules.Reason.notMember)); continue
                }
                let outcome = rule(row, organizationAll && row.addedByOrganization)
                switch outcome {
                case .rejected(let reason):
                    unprocessed.append(.init(accountId: account, result: reason))
                case .unchanged:
                    break
                case .moveTo, .delete:
                    try await effect(connection, row, outcome)
                    changed.append(account)
                }
            }
            try await connection.bumpConfigVersion(accounts: changed, region: caller.region, logger: self.logger)
            return unprocessed
        }
    }

    public func disassociateMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> [UnprocessedAccount] {
        try await self.transition(
            caller: caller, detectorId: detectorId, accountIds: accountIds,
            rule: { row, organizationAll in MembershipRules.disassociate(row.status, organizationAll: organizationAll) },
            effect: { connection, row, outcome in
                guard case .moveTo(let status) = outcome else { return }
                try await self.setStatus(connection, admin: caller.accountId, region: caller.region, account: row.accountId, status)
                try await self.withdrawInvitations(connection, admin: caller.accountId, region: caller.region, account: row.accountId)
            }
        )
    }

    public func deleteMembers(caller: Caller, detectorId: String, accountIds: [String]) async throws -> [UnprocessedAccount] {
        try await self.transition(
            caller: caller, detectorId: detectorId, accountIds: accountIds,
            rule: { row, _ in MembershipRules.delete(row.status) },
            effect: { connection, row, _ in
                try await self.withdrawInvitations(connection, admin: caller.accountId, region: caller.region, account: row.accountId)
                try await connection.query(
                    "DELETE FROM members WHERE administrator_id = \(caller.accountId) AND region = \(caller.region) AND account_id = \(row.accountId)",
                    logger: self.logger
                )
            }
        )
    }

    public func setMonitoring(caller: Caller, detectorId: String, accountIds: [String], enabled: Bool) async throws -> [UnprocessedAccount] {
        try await self.transition(
            caller: caller, detectorId: detectorId, accountIds: accountIds,
            rule: { row, organizationAll in
                enabled ? MembershipRules.startMonitoring(row.status) : MembershipRules.stopMonitoring(row.status, organizationAll: organizationAll)
            },
            effect: { connection, row, outcome in
                guard case .moveTo(let status) = outcome else { return }
                try await self.setStatus(connection, admin: caller.accountId, region: caller.region, account: row.accountId, status)
            }
        )
    }

    public func getMemberDetectors(caller: Caller, detectorId: String, accountIds: [String]) async throws -> GetMemberDetectorsResponse {
        try Validate.accountIds(accountIds)
        return try await self.context.transaction { connection in
            let admin = try await connection.ownedDetector(caller, detectorId, logger: self.logger)
            let rows = try await self.members(connection, admin: caller.accountId, region: caller.region, accountIds: accountIds)
            var configurations: [MemberDataSourceConfiguration] = []
            var unprocessed: [UnprocessedAccount] = []
            for account in accountIds {
                guard let row = rows[account] else {
                    unprocessed.append(.init(accountId: account, result: MembershipRules.Reason.notMember)); continue
                }
                guard row.status.isAssociated else {
                    unprocessed.append(.init(accountId: account, result: MembershipRules.Reason.notAssociated)); continue
                }
                let features = FeatureRules.effectiveMemberFeatures(administrator: admin.features, member: row.features)
                let results = features.detectorFeatureResults(foundationalUpdatedAt: admin.createdEpoch)
                    .filter { DetectorFeature(rawValue: $0.name) != nil }
                    .map { MemberFeaturesConfigurationResult(name: $0.name, status: $0.status, updatedAt: $0.updatedAt, additionalConfiguration: $0.additionalConfiguration) }
                configurations.append(MemberDataSourceConfiguration(
                    accountId: account,
                    dataSources: features.dataSourcesResult(serviceRole: PostgresDetectorStore.serviceRole(account)),
                    features: results
                ))
            }
            return GetMemberDetectorsResponse(members: configurations, unprocessedAccounts: unprocessed)
        }
    }

    public func updateMemberDetectors(caller: Caller, detectorId: String, request: UpdateMemberDetectorsRequest) async throws -> [UnprocessedAccount] {
        try FeatureRules.validate(request.features)
        let now = PostgresStoreContext.now
        return try await self.transition(
            caller: caller, detectorId: detectorId, accountIds: request.accountIds,
            rule: { row, _ in row.status.isAssociated ? .moveTo(row.status) : .rejected(MembershipRules.Reason.notAssociated) },
            effect: { connection, row, _ in
                var features = row.features
                features.apply(features: request.features, dataSources: request.dataSources, now: now)
                try await connection.query(
                    """
                    UPDATE members SET features = \(PostgresStoreContext.encodeJSON(features))::jsonb, updated_at = now()
                    WHERE administrator_id = \(caller.accountId) AND region = \(caller.region) AND account_id = \(row.accountId)
                    """,
                    logger: self.logger
                )
            }
        )
    }

    // MARK: member side

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
        try Validate.accountId(administratorId, field: "administratorId")
        guard !invitationId.isEmpty, invitationId.count <= 300 else {
            throw GuardDutyError.badRequest("The request is rejected because invitationId is empty or longer than 300 characters.")
        }
        try await self.context.transaction { connection in
            _ = try await connection.ownedDetector(caller, detectorId, forUpdate: true, logger: self.logger)
            if let current = try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger) {
                if current == administratorId { return }
                throw GuardDutyError.badRequest(
                    "The request is rejected because the current account is already a member of administrator account \(current); disassociate from it first."
                )
            }
            for try await (count) in try await connection.query(
                """
                SELECT count(*) FROM members WHERE administrator_id = \(caller.accountId) AND region = \(caller.region)
                  AND relationship_status NOT IN ('Removed', 'Resigned')
                """,
                logger: self.logger
            ).decode(Int.self) where count > 0 {
                throw GuardDutyError.badRequest(
                    "The request is rejected because the current account has \(count) member accounts; an administrator account cannot become a member. Delete its members first."
                )
            }
            var valid = false
            for try await _ in try await connection.query(
                """
                SELECT 1 FROM invitations WHERE invitation_id = \(invitationId) AND administrator_id = \(administratorId)
                  AND account_id = \(caller.accountId) AND region = \(caller.region) AND status = 'Invited' FOR UPDATE
                """,
                logger: self.logger
            ).decode(Int.self) {
                valid = true
            }
            guard valid else {
                throw GuardDutyError.badRequest(
                    "The request is rejected because invitation \(invitationId) is not a pending invitation from administrator account \(administratorId) to the current account in \(caller.region)."
                )
            }
            let rows = try await self.members(connection, admin: administratorId, region: caller.region, accountIds: [caller.accountId])
            guard let row = rows[caller.accountId], case .moveTo = MembershipRules.accept(row.status) else {
                throw GuardDutyError.badRequest("The request is rejected because the administrator account \(administratorId) no longer lists the current account as an invited member.")
            }
            try await self.setStatus(connection, admin: administratorId, region: caller.region, account: caller.accountId, .enabled)
            try await connection.query(
                "UPDATE invitations SET status = 'Accepted', updated_at = now() WHERE invitation_id = \(invitationId)", logger: self.logger
            )
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
                if current == admin {
                    unprocessed.append(.init(accountId: admin, result: MembershipRules.Reason.declineAssociated)); continue
                }
                var statuses: [String] = []
                for try await (status) in try await connection.query(
                    """
                    SELECT status FROM invitations WHERE administrator_id = \(admin) AND account_id = \(caller.accountId)
                      AND region = \(caller.region) AND status IN ('Invited', 'Accepted', 'Declined') FOR UPDATE
                    """,
                    logger: self.logger
                ).decode(String.self) {
                    statuses.append(status)
                }
                if delete {
                    if statuses.contains("Invited") || statuses.contains("Accepted") {
                        unprocessed.append(.init(accountId: admin, result: MembershipRules.Reason.deleteNotDeclined)); continue
                    }
                    guard statuses.contains("Declined") else {
                        unprocessed.append(.init(accountId: admin, result: MembershipRules.Reason.noInvitation)); continue
                    }
                    try await connection.query(
                        """
                        UPDATE invitations SET status = 'Deleted', updated_at = now() WHERE administrator_id = \(admin)
                          AND account_id = \(caller.accountId) AND region = \(caller.region) AND status = 'Declined'
                        """,
                        logger: self.logger
                    )
                } else {
                    guard statuses.contains("Invited") || statuses.contains("Accepted") else {
                        unprocessed.append(.init(accountId: admin, result: MembershipRules.Reason.noInvitation)); continue
                    }
                    try await connection.query(
                        """
                        UPDATE invitations SET status = 'Declined', updated_at = now() WHERE administrator_id = \(admin)
                          AND account_id = \(caller.accountId) AND region = \(caller.region) AND status IN ('Invited', 'Accepted')
                        """,
                        logger: self.logger
                    )
                }
            }
            return unprocessed
        }
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
            guard let admin = try await connection.administratorOf(account: caller.accountId, region: caller.region, logger: self.logger) else {
                throw GuardDutyError.badRequest("The request is rejected because the current account is not associated with an administrator account.")
            }
            let row = try await self.members(connection, admin: admin, region: caller.region, accountIds: [caller.accountId])[caller.accountId]
            if let row, row.addedByOrganization, try await self.organizationAll(connection, admin: admin, region: caller.region) {
                throw GuardDutyError.badRequest(MembershipRules.Reason.organizationAll)
            }
            try await self.setStatus(connection, admin: admin, region: caller.region, account: caller.accountId, .resigned)
            // The invitation survives a resignation: the member may accept it again.
            if let invitationId = row?.invitationId {
                try await connection.query(
                    "UPDATE invitations SET status = 'Invited', updated_at = now() WHERE invitation_id = \(invitationId) AND status = 'Accepted'",
                    logger: self.logger
                )
            }
            try await connection.bumpConfigVersion(accounts: [caller.accountId], region: caller.region, logger: self.logger)
        }
    }
}
