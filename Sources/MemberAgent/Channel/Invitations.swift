import Foundation
import GuardDutyModel
import SigV4

/// The agent's view of the invitation method: what `aws guardduty list-invitations` and
/// `accept-administrator-invitation` do, through the same GuardDuty API.
public struct Invitations: Sendable {
    let client: GuardpostClient

    public init(client: GuardpostClient) {
        self.client = client
    }

    /// ListInvitations, every page.
    public func list() async throws -> [Invitation] {
        var all: [Invitation] = []
        var token: String? = nil
        repeat {
            let query = token.map { "maxResults=50&nextToken=\(SigV4Encoding.percentEncode($0))" } ?? "maxResults=50"
            let page = try await self.client.json("GET", "/invitation", query: query, as: InvitationPage.self)
            all += page.invitations ?? []
            token = page.nextToken
        } while token != nil
        return all
    }

    struct InvitationPage: Decodable {
        var invitations: [Invitation]?
        var nextToken: String?
    }

    /// Accepts the administrator's pending invitation in the region, creating the account's detector first when it has
    /// none (as the GuardDuty console does). Returns the detector id.
    public func accept(administratorId: String, invitationId: String? = nil) async throws -> String {
        let pending = try await self.list().filter { $0.accountId == administratorId }
        guard let invitation = invitationId ?? pending.first?.invitationId else {
            throw AgentError.configuration(
                "no invitation from administrator \(administratorId) in \(self.client.region); ask the administrator to invite this account")
        }
        let detectors = try await self.client.json("GET", "/detector", as: GuardpostClient.DetectorIds.self)
        let detectorId: String
        if let existing = detectors.detectorIds.first {
            detectorId = existing
        } else {
            struct Created: Decodable { var detectorId: String }
            detectorId = try await self.client.json("POST", "/detector", body: ["enable": true], as: Created.self).detectorId
        }
        struct Accept: Encodable {
            var administratorId: String
            var invitationId: String
        }
        _ = try await self.client.send(
            "POST", "/detector/\(detectorId)/administrator",
            body: Array(try JSONEncoder().encode(Accept(administratorId: administratorId, invitationId: invitation)))
        )
        return detectorId
    }
}
