import Foundation
import GuardDutyModel
import Hummingbird

/// The console's changes other than findings': publishing frequency, sample findings, lists, features (S3 Protection
/// and the others), accounts and invitations, suppression rules. Each decodes its form into a typed value, builds the
/// API's request shape from it and calls the same store as the API.
extension ConsoleRoutes {
    func addManagementRoutes(to console: RouterGroup<GuardpostRequestContext>) {
        console.post("settings/frequency") { request, _ -> Response in
            try await self.act(request, back: "/console/settings", PublishingFrequencyForm.self) { session, detector, form in
                try await self.detectors.updateDetector(caller: session.caller, detectorId: detector, request: try form.request())
            }
        }
        console.post("settings/samples") { request, _ -> Response in
            try await self.act(request, back: "/console/findings", NoFieldsForm.self) { session, detector, _ in
                try await self.findings.createSampleFindings(caller: session.caller, detectorId: detector, types: nil)
            }
        }
        console.post("lists/create") { request, _ -> Response in
            try await self.act(request, back: "/console/lists", CreateListForm.self) { session, detector, form in
                _ = try await self.lists.createList(caller: session.caller, detectorId: detector, kind: form.listKind, request: try form.request())
            }
        }
        console.post("lists/change") { request, _ -> Response in
            try await self.act(request, back: "/console/lists", ChangeListForm.self) { session, detector, form in
                if form.deletes {
                    try await self.lists.deleteList(caller: session.caller, detectorId: detector, kind: form.listKind, listId: form.listId)
                } else {
                    try await self.lists.updateList(
                        caller: session.caller, detectorId: detector, kind: form.listKind, listId: form.listId, request: form.update
                    )
                }
            }
        }
        console.post("features") { request, _ -> Response in
            try await self.act(request, back: "/console/features", FeatureForm.self) { session, detector, form in
                try await self.changeFeature(session, detector, form)
            }
        }
        console.post("accounts/change") { request, _ -> Response in
            try await self.act(request, back: "/console/accounts", MemberActionForm.self) { session, detector, form in
                try await self.changeMembers(session, detector, form)
            }
        }
        console.post("invitations") { request, _ -> Response in
            try await self.act(request, back: "/console/accounts", InvitationForm.self) { session, detector, form in
                let administrator = form.administrator ?? ""
                if form.accepts {
                    try await self.members.acceptInvitation(
                        caller: session.caller, detectorId: detector, administratorId: administrator, invitationId: form.invitation ?? ""
                    )
                } else {
                    let unprocessed = try await self.members.declineInvitations(caller: session.caller, administratorIds: [administrator])
                    if let first = unprocessed.first { throw GuardDutyError.badRequest("\(first.accountId): \(first.result)") }
                }
            }
        }
        console.post("rules/create") { request, _ -> Response in
            try await self.act(request, back: "/console/settings", CreateRuleForm.self) { session, detector, form in
                _ = try await self.findings.createFilter(caller: session.caller, detectorId: detector, request: form.request())
            }
        }
        console.post("rules/delete") { request, _ -> Response in
            try await self.act(request, back: "/console/settings", DeleteRuleForm.self) { session, detector, form in
                try await self.findings.deleteFilter(caller: session.caller, detectorId: detector, name: form.name ?? "")
            }
        }
    }

    /// A feature on or off for the detector, and for what it administers: the organisation's auto-enable (a delegated
    /// administrator's) or else its associated members.
    func changeFeature(_ session: ConsoleSession, _ detector: String, _ form: FeatureForm) async throws {
        try await self.detectors.updateDetector(caller: session.caller, detectorId: detector, request: try form.detectorRequest())
        do {
            try await self.organization.updateOrganizationConfiguration(
                caller: session.caller, detectorId: detector, request: try form.organizationRequest()
            )
        } catch is GuardDutyError {
            // Not an organisation administrator: its invited members are updated below.
        }
        // The administrator's choice applies to its members.
        let members = try await self.members.listMembers(
            caller: session.caller, detectorId: detector, onlyAssociated: true, maxResults: 50, nextToken: nil
        )
        if !members.items.isEmpty {
            _ = try await self.members.updateMemberDetectors(
                caller: session.caller, detectorId: detector, request: try form.membersRequest(accountIds: members.items.map(\.accountId))
            )
        }
    }

    /// A member action on the ticked accounts; the first account the store could not process is the page's error.
    func changeMembers(_ session: ConsoleSession, _ detector: String, _ form: MemberActionForm) async throws {
        let ids = form.accountIds
        let caller = session.caller
        let unprocessed: [UnprocessedAccount]
        switch form.do {
        case "add":
            let accounts = ids.map { AccountDetail(accountId: $0, email: form.email ?? "") }
            unprocessed = try await self.members.createMembers(caller: caller, detectorId: detector, accounts: accounts)
        case "invite": unprocessed = try await self.members.inviteMembers(caller: caller, detectorId: detector, accountIds: ids, message: nil)
        case "disassociate": unprocessed = try await self.members.disassociateMembers(caller: caller, detectorId: detector, accountIds: ids)
        case "delete": unprocessed = try await self.members.deleteMembers(caller: caller, detectorId: detector, accountIds: ids)
        case "stop": unprocessed = try await self.members.setMonitoring(caller: caller, detectorId: detector, accountIds: ids, enabled: false)
        case "start": unprocessed = try await self.members.setMonitoring(caller: caller, detectorId: detector, accountIds: ids, enabled: true)
        default: throw GuardDutyError.badRequest("Choose what to do with the selected accounts.")
        }
        if let first = unprocessed.first { throw GuardDutyError.badRequest("\(first.accountId): \(first.result)") }
    }
}
