import ArgumentParser
import Detection
import Foundation
import GuardDutyModel
import Logging
import MemberAgent
import ThreatLists

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

/// Where the administrator server is and who the agent is, as the AWS CLI takes them.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("endpoint-url"), help: "The administrator server, e.g. http://admin.example:8080 (or GUARDPOST_ENDPOINT_URL).")
    var endpointURL: String?
    @Option(help: "Region (else AWS_REGION, AWS_DEFAULT_REGION, or the profile's region).") var region: String?
    @Option(help: "Profile in ~/.aws/credentials and ~/.aws/config (else AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).")
    var profile: String?
    @Option(name: .customLong("ca-bundle"), help: "PEM file of certificate authorities to trust for an https endpoint (else AWS_CA_BUNDLE, else the system's). Certificates are always verified.")
    var caBundle: String?

    func client() throws -> GuardpostClient {
        guard let endpoint = self.endpointURL ?? ProcessInfo.processInfo.environment["GUARDPOST_ENDPOINT_URL"] else {
            throw ValidationError("pass --endpoint-url (or set GUARDPOST_ENDPOINT_URL)")
        }
        return try GuardpostClient(
            endpointURL: endpoint, configuration: try AWSConfiguration.resolve(profile: self.profile, region: self.region), caBundle: self.caBundle
        )
    }
}

/// `guardpost-agent run`: the member agent.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the member agent: follow the logs, detect, deliver findings, receive the administrator's settings and lists."
    )

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("state-dir"), help: "Agent id, file offsets, cached lists, the outbox of undelivered findings.") var stateDirectory: String
    @Option(name: .customLong("flow-logs"), help: "VPC Flow Logs file or directory (followed as it grows).") var flowLogs: [String] = []
    @Option(name: .customLong("cloudtrail"), help: "CloudTrail file or directory.") var cloudTrail: [String] = []
    @Option(name: .customLong("dns-logs"), help: "Route 53 Resolver query log file or directory.") var dnsLogs: [String] = []
    @Option(name: .customLong("intel-dir"), help: "Built-in intelligence directory (defaults to the one shipped with Guardpost).") var intelDir: String?
    @Option(name: .customLong("heartbeat-seconds"), help: "Seconds between heartbeats (an agent silent for 60 s is unhealthy).") var heartbeatSeconds: Double = 15
    @Option(name: .customLong("idle-flush-seconds"), help: "Judge open detection windows after this long without new records.") var idleFlushSeconds: Double = 30
    @Option(name: .customLong("updates-every-seconds"), help: "Publish updates of existing findings this often instead of at the finding publishing frequency (testing).")
    var updatesEverySeconds: Double?

    func validate() throws {
        guard !(self.flowLogs.isEmpty && self.cloudTrail.isEmpty && self.dnsLogs.isEmpty) else {
            throw ValidationError("give at least one of --flow-logs, --cloudtrail, --dns-logs")
        }
        guard self.heartbeatSeconds >= 1, self.heartbeatSeconds <= 55 else { throw ValidationError("--heartbeat-seconds must be from 1 to 55") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let client = try self.connection.client()
        var options = AgentOptions(
            endpointURL: self.connection.endpointURL ?? ProcessInfo.processInfo.environment["GUARDPOST_ENDPOINT_URL"]!,
            aws: client.configurationForAgent, stateDirectory: self.stateDirectory,
            flowLogs: self.flowLogs, cloudTrail: self.cloudTrail, dnsLogs: self.dnsLogs
        )
        options.caBundle = self.connection.caBundle
        options.intelDirectory = Scan.intelDirectory(self.intelDir)
        options.heartbeatInterval = .milliseconds(Int(self.heartbeatSeconds * 1000))
        options.idleFlushSeconds = self.idleFlushSeconds
        options.updateIntervalOverride = self.updatesEverySeconds
        let runtime = try AgentRuntime(options: options, logger: Logger(label: "guardpost-agent"))
        let task = Task { try await runtime.run() }
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            sources.append(source)
        }
        do {
            try await task.value
        } catch is CancellationError {
        }
        _ = sources
    }
}

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

/// `guardpost-agent scan`: read logs, apply the lists and the rules, print findings (JSON or a table) and a summary.
struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Detect offline over log files; findings on stdout, a summary on stderr.")

    @Option(name: .customLong("flow-logs"), help: "VPC Flow Logs file or directory (.gz read transparently; - for stdin).") var flowLogs: [String] = []
    @Option(name: .customLong("cloudtrail"), help: "CloudTrail file or directory ({\"Records\":[…]}, JSON arrays or lines; .gz).") var cloudTrail: [String] = []
    @Option(name: .customLong("dns-logs"), help: "Route 53 Resolver query log file or directory (JSON lines; .gz).") var dnsLogs: [String] = []
    @Option(name: .customLong("threat-list"), help: "A threat list, FILE or FILE:FORMAT (TXT, STIX, OTX_CSV, ALIEN_VAULT, PROOF_POINT, FIRE_EYE).")
    var threatLists: [String] = []
    @Option(name: .customLong("trusted-list"), help: "A trusted IP list, FILE or FILE:FORMAT.") var trustedLists: [String] = []
    @Option(name: .customLong("account-id"), help: "Account for records that do not name one.") var accountId: String = "000000000000"
    @Option(help: "Region for records that do not name one.") var region: String = "us-east-1"
    @Option(name: .customLong("detector-id"), help: "Detector id written into finding ARNs.") var detectorId: String = "00000000000000000000000000000000"
    @Option(help: "json (GetFindings' findings array) or table.") var output: String = "json"
    @Flag(name: .customLong("no-s3-data-events"), help: "Ignore CloudTrail S3 data events (S3 Protection off); by default they are analysed when present.")
    var noS3DataEvents = false
    @Option(name: .customLong("intel-dir"), help: "Directory with built-in intelligence (dns-domains.tsv); defaults to the one shipped with Guardpost.")
    var intelDir: String?

    func validate() throws {
        guard !(self.flowLogs.isEmpty && self.cloudTrail.isEmpty && self.dnsLogs.isEmpty) else {
            throw ValidationError("give at least one of --flow-logs, --cloudtrail, --dns-logs")
        }
        guard ["json", "table"].contains(self.output) else { throw ValidationError("--output must be json or table") }
        guard Validate.isAccountId(self.accountId) else { throw ValidationError("--account-id must be 12 digits") }
    }

    func run() throws {
        let intelligence = BuiltInIntelligence(directory: Self.intelDirectory(self.intelDir)).intelligence(
            threatLists: try self.threatLists.map { try Self.loadList($0, content: .addressesAndDomains) },
            trustedLists: try self.trustedLists.map { try Self.loadList($0, content: .addresses).list }
        )
        let engine = DetectionEngine(intelligence: intelligence, accountId: self.accountId, region: self.region, detectorId: self.detectorId)
        engine.s3DataEvents = !self.noS3DataEvents
        var flowParser = FlowLogParser(names: engine.names)
        var cloudTrailParser = CloudTrailParser()
        var dnsParser = DNSLogParser()
        for path in try self.flowLogs.flatMap(LogInput.files) {
            // Each file may carry its own header (custom formats).
            flowParser.fields = FlowLogParser.defaultFields
            flowParser.linesRead = 0
            try LogInput.forEachChunk(path) { chunk in flowParser.parse(chunk, batches: engine.process(batch:)) }
        }
        for path in try self.cloudTrail.flatMap(LogInput.files) {
            cloudTrailParser.parse(try LogInput.read(path)) { engine.process($0) }
        }
        for path in try self.dnsLogs.flatMap(LogInput.files) {
            try LogInput.forEachChunk(path) { chunk in dnsParser.parse(chunk) { engine.process($0) } }
        }
        let findings = engine.findings()
        if self.output == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(findings))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            print(Self.table(findings))
        }
        var summary = ""
        for (name, statistics) in [("flow logs", flowParser.statistics), ("cloudtrail", cloudTrailParser.statistics), ("dns logs", dnsParser.statistics)]
        where statistics.bytes > 0 {
            summary += "\(name): \(statistics.records) records read, \(statistics.skipped) skipped, \(statistics.malformed) malformed\n"
            for example in statistics.examples { summary += "  \(example)\n" }
        }
        let byType = Dictionary(grouping: findings, by: \.type).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
        if engine.s3DataEventsIgnored > 0 { summary += "s3 data events ignored (S3 Protection off): \(engine.s3DataEventsIgnored)\n" }
        summary += "findings: \(findings.count)\n" + byType.map { "  \($0.0): \($0.1)" }.joined(separator: "\n") + (byType.isEmpty ? "" : "\n")
        FileHandle.standardError.write(Data(summary.utf8))
    }

    static func loadList(_ argument: String, content: ListContent) throws -> (name: String, list: ParsedList) {
        var path = argument
        var format = ListFormat.txt
        if let colon = argument.lastIndex(of: ":"), let parsed = ListFormat(rawValue: String(argument[argument.index(after: colon)...]).uppercased()) {
            path = String(argument[..<colon])
            format = parsed
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read list \(path)") }
        return ((path as NSString).lastPathComponent, ListParser.parse(Array(data), format: format, content: content))
    }

    /// The shipped intel: --intel-dir, GUARDPOST_INTEL_DIR, next to the installed binary, or the source tree's intel/.
    static func intelDirectory(_ explicit: String?) -> String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [explicit, ProcessInfo.processInfo.environment["GUARDPOST_INTEL_DIR"],
                          executable.appendingPathComponent("../share/guardpost/intel").path,
                          executable.appendingPathComponent("../../intel").path,
                          executable.appendingPathComponent("../../../intel").path, "intel"].compactMap { $0 }
        for directory in candidates where FileManager.default.fileExists(atPath: "\(directory)/dns-domains.tsv") {
            return directory
        }
        FileHandle.standardError.write(Data("warning: no built-in intelligence found (dns-domains.tsv); pass --intel-dir\n".utf8))
        return nil
    }

    static func table(_ findings: [Finding]) -> String {
        var lines = ["SEVERITY  TYPE                                                         COUNT  LAST SEEN                 RESOURCE"]
        for finding in findings {
            let severity = finding.severity >= 7 ? "High" : finding.severity >= 4 ? "Medium" : "Low"
            let resource = finding.resource.instanceDetails?.instanceId ?? finding.resource.instanceDetails?.networkInterfaces?.first?.networkInterfaceId
                ?? finding.resource.accessKeyDetails?.userName ?? finding.resource.accessKeyDetails?.accessKeyId ?? "-"
            lines.append(
                severity.padding(toLength: 10, withPad: " ", startingAt: 0) + finding.type.padding(toLength: 61, withPad: " ", startingAt: 0)
                    + String(finding.service.count).padding(toLength: 7, withPad: " ", startingAt: 0)
                    + finding.service.eventLastSeen.padding(toLength: 26, withPad: " ", startingAt: 0) + resource
            )
        }
        return lines.joined(separator: "\n")
    }
}
