import ArgumentParser
import Foundation
import MemberAgent

/// `guardpost-agent invitations list|accept`.
struct InvitationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invitations", abstract: "The administrator's invitations to this account.", subcommands: [List.self, Accept.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pending invitations (as ListInvitations).")
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let invitations = try await Invitations(client: try self.connection.client()).list()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(["invitations": invitations]), as: UTF8.self))
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept the administrator's invitation (creates this account's detector in the region when it has none)."
        )
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("administrator-id"), help: "The administrator's account id.") var administratorId: String
        @Option(name: .customLong("invitation-id"), help: "The invitation (default: the administrator's pending one).") var invitationId: String?

        func run() async throws {
            let detectorId = try await Invitations(client: try self.connection.client()).accept(
                administratorId: self.administratorId, invitationId: self.invitationId
            )
            print(#"{"detectorId": "\#(detectorId)", "administratorId": "\#(self.administratorId)"}"#)
        }
    }
}
