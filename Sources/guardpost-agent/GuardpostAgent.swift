import ArgumentParser

/// `guardpost-agent`: the member agent. `run` detects continuously and reports to the administrator server;
/// `invitations` answers the administrator's invitation; `scan` detects offline over log files.
@main
struct GuardpostAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardpost-agent",
        abstract: "Guardpost's member agent: detect GuardDuty findings in CloudTrail, VPC Flow Logs and DNS logs.",
        subcommands: [Run.self, InvitationsCommand.self, Scan.self]
    )
}
