import ArgumentParser
import Detection
import Foundation
import GuardDutyModel
import MemberAgent
import ThreatLists

/// `guardpost-agent scan`: read logs, apply the lists and the rules, print findings (JSON or a table) and a summary.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Detect offline over log files; findings on stdout, a summary on stderr.")

    @Option(
        name: .customLong("flow-logs"), help: "VPC Flow Logs file or directory (.gz read transparently; - for stdin), or s3://BUCKET/PREFIX/.")
    var flowLogs: [String] = []
    @Option(
        name: .customLong("cloudtrail"),
        help: "CloudTrail file or directory ({\"Records\":[…]}, JSON arrays or lines; .gz), or s3://BUCKET/PREFIX/ (the trail's bucket).")
    var cloudTrail: [String] = []
    @Option(name: .customLong("dns-logs"), help: "Route 53 Resolver query log file or directory (JSON lines; .gz), or s3://BUCKET/PREFIX/.")
    var dnsLogs: [String] = []
    @Option(
        name: .customLong("k8s-audit-logs"),
        help: "Kubernetes audit log file or directory (audit.k8s.io Event objects, one per line; .gz; - for stdin).")
    var kubernetesAuditLogs: [String] = []
    @Option(name: .customLong("k8s-cluster-name"), help: "The cluster those audit logs are of, named in findings (default: kubernetes).")
    var clusterName: String?
    @Flag(
        name: .customLong("all-accounts"),
        help: "Read every account's (and region's) objects of s3:// sources; else --account-id's (and --region's when given).")
    var allAccounts = false
    @Option(name: .customLong("threat-list"), help: "A threat list, FILE or FILE:FORMAT (TXT, STIX, OTX_CSV, ALIEN_VAULT, PROOF_POINT, FIRE_EYE).")
    var threatLists: [String] = []
    @Option(name: .customLong("trusted-list"), help: "A trusted IP list, FILE or FILE:FORMAT.") var trustedLists: [String] = []
    @Option(
        name: .customLong("account-id"),
        help: "Account for records that do not name one (default 000000000000), and the account read in s3:// sources.")
    var accountId: String?
    @Option(help: "Region for records that do not name one (default us-east-1), and the region read in s3:// sources.") var region: String?
    @Option(name: .customLong("detector-id"), help: "Detector id written into finding ARNs.") var detectorId: String =
        "00000000000000000000000000000000"
    @Option(help: "json (GetFindings' findings array) or table.") var output: String = "json"
    @Flag(
        name: .customLong("no-s3-data-events"),
        help: "Ignore CloudTrail S3 data events (S3 Protection off); by default they are analysed when present.")
    var noS3DataEvents = false
    @Option(
        name: .customLong("intel-dir"), help: "Directory with built-in intelligence (dns-domains.tsv); defaults to the one shipped with Guardpost.")
    var intelDir: String?
    @OptionGroup var geo: GeoOptions
    @OptionGroup var s3: S3Options
    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        guard !(self.flowLogs.isEmpty && self.cloudTrail.isEmpty && self.dnsLogs.isEmpty && self.kubernetesAuditLogs.isEmpty) else {
            throw ValidationError("give at least one of --flow-logs, --cloudtrail, --dns-logs, --k8s-audit-logs")
        }
        try Self.validateKubernetes(self.kubernetesAuditLogs, clusterName: self.clusterName)
        guard ["json", "table"].contains(self.output) else { throw ValidationError("--output must be json or table") }
        guard self.accountId.map(Validate.isAccountId) ?? true else { throw ValidationError("--account-id must be 12 digits") }
        if S3Options.anyS3(self.flowLogs, self.cloudTrail, self.dnsLogs) {
            guard self.accountId != nil || self.allAccounts else {
                throw ValidationError("s3:// sources are read for one account: pass --account-id ID (or --all-accounts)")
            }
            guard self.s3.queueURL == nil else { throw ValidationError("--sqs-queue-url is for run; scan lists the bucket") }
        }
    }

    func run() async throws {
        let geo = try self.geo.databases()
        let builtIn = BuiltInIntelligence(directory: Self.intelDirectory(self.intelDir), geo: geo)
        for warning in builtIn.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        let intelligence = builtIn.intelligence(
            threatLists: try self.threatLists.map { try Self.loadList($0, content: .addressesAndDomains) },
            trustedLists: try self.trustedLists.map { try Self.loadList($0, content: .addresses).list }
        )
        let engine = DetectionEngine(
            intelligence: intelligence, accountId: self.accountId ?? "000000000000", region: self.region ?? "us-east-1", detectorId: self.detectorId)
        engine.s3DataEvents = !self.noS3DataEvents
        if let clusterName = self.clusterName { engine.clusterName = clusterName }
        engine.maxFindings = self.memory.limit.maxFindings
        let pipeline = LogPipeline(engine: engine)
        var reading = try self.s3.reading(
            region: self.region ?? "us-east-1", sources: self.flowLogs + self.cloudTrail + self.dnsLogs)
        reading?.allAccounts = self.allAccounts
        reading?.region = self.allAccounts ? nil : self.region
        var objectSummary = ""
        for (dataSource, paths) in [(DataSource.flowLogs, self.flowLogs), (.cloudTrail, self.cloudTrail), (.dnsLogs, self.dnsLogs)] {
            try pipeline.scan(paths.filter { !S3SourceURL.isSource($0) }, as: dataSource, warn: Self.warn)
            for read in try await pipeline.scanObjects(paths, as: dataSource, reading: reading, account: self.accountId) {
                objectSummary += "\(read.source): \(read.objects) objects read, \(read.corrupt.count) skipped as corrupt\n"
                for corrupt in read.corrupt { objectSummary += "  \(corrupt)\n" }
            }
        }
        try pipeline.scan(self.kubernetesAuditLogs, as: .kubernetesAuditLogs, warn: Self.warn)
        let found = engine.findings()
        let findings = geo.map { FindingEnricher(databases: $0).enriched(found) } ?? found
        if self.output == "json" {
            try Self.writeJSON(findings)
        } else {
            print(Self.table(findings))
        }
        var summary = ""
        let named = [
            ("flow logs", DataSource.flowLogs), ("cloudtrail", .cloudTrail), ("dns logs", .dnsLogs), ("k8s audit logs", .kubernetesAuditLogs),
        ]
        for (name, dataSource) in named {
            let statistics = pipeline.statistics(of: dataSource)
            guard statistics.bytes > 0 else { continue }
            summary += "\(name): \(statistics.records) records read, \(statistics.skipped) skipped, \(statistics.malformed) malformed\n"
            for example in statistics.examples { summary += "  \(example)\n" }
        }
        summary += objectSummary
        let byType = findings.reduce(into: [String: Int]()) { $0[$1.type, default: 0] += 1 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if engine.s3DataEventsIgnored > 0 { summary += "s3 data events ignored (S3 Protection off): \(engine.s3DataEventsIgnored)\n" }
        if engine.kubernetesAuditEventsIgnored > 0 {
            summary += "k8s audit events ignored (EKS Audit Log Monitoring off): \(engine.kubernetesAuditEventsIgnored)\n"
        }
        summary += "findings: \(findings.count)\n" + byType.map { "  \($0.0): \($0.1)" }.joined(separator: "\n") + (byType.isEmpty ? "" : "\n")
        FileHandle.standardError.write(Data(summary.utf8))
    }

    /// A warning on standard error (a file skipped as unreadable): the scan goes on.
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    /// `--k8s-audit-logs` takes local files and directories (no AWS service delivers a self-hosted cluster's audit log to
    /// S3), and a cluster name that fits an EKS cluster name (1 to 100 letters, digits, '-' and '_').
    static func validateKubernetes(_ paths: [String], clusterName: String?) throws {
        guard !paths.contains(where: S3SourceURL.isSource) else {
            throw ValidationError("--k8s-audit-logs takes files and directories (an audit log is read where kube-apiserver writes it), not s3://")
        }
        if let name = clusterName {
            let allowed = name.utf8.allSatisfy { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }
            guard (1...100).contains(name.utf8.count), allowed else {
                throw ValidationError("--k8s-cluster-name must be 1 to 100 letters, digits, '-' or '_' (as an EKS cluster name)")
            }
        }
    }

    /// The findings as one pretty-printed JSON array, the bytes JSONEncoder (`.prettyPrinted`, `.sortedKeys`,
    /// `.withoutEscapingSlashes`) writes, written by `JSONTextWriter` a megabyte at a time: JSONEncoder's intermediate
    /// tree was half the time of a scan with many distinct findings.
    static func writeJSON(_ findings: [Finding]) throws {
        var writer = JSONTextWriter(pretty: true, capacity: 1 << 21)
        writer.beginArray()
        for finding in findings {
            writer.nextElement()
            writer.value(finding)
            if writer.bytes.count >= 1 << 20 {
                try Self.writeOut(writer.bytes)
                writer.bytes.removeAll(keepingCapacity: true)
            }
        }
        writer.endArray()
        writer.bytes.append(UInt8(ascii: "\n"))
        try Self.writeOut(writer.bytes)
    }

    /// Writes all of `bytes` to standard output from the buffer itself (no copy into a `Data` per megabyte).
    static func writeOut(_ bytes: [UInt8]) throws {
        if let failure = DurableFile.writeAll(bytes, to: STDOUT_FILENO) {
            throw ValidationError("cannot write the findings to standard output: \(String(cString: strerror(failure)))")
        }
    }

    static func loadList(_ argument: String, content: ListContent) throws -> (name: String, list: ParsedList) {
        var path = argument
        var format = ListFormat.txt
        if let colon = argument.lastIndex(of: ":"), let parsed = ListFormat(rawValue: String(argument[argument.index(after: colon)...]).uppercased())
        {
            path = String(argument[..<colon])
            format = parsed
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read list \(path)") }
        return ((path as NSString).lastPathComponent, ListParser.parse(Array(data), format: format, content: content))
    }

    /// The shipped intel: --intel-dir, GUARDPOST_INTEL_DIR, next to the installed binary, or the source tree's intel/.
    static func intelDirectory(_ explicit: String?) -> String? {
        // A directory the operator names is used as it is (it may hold only feed files).
        var isDirectory: ObjCBool = false
        if let explicit, FileManager.default.fileExists(atPath: explicit, isDirectory: &isDirectory), isDirectory.boolValue { return explicit }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [
            explicit, ProcessInfo.processInfo.environment["GUARDPOST_INTEL_DIR"],
            executable.appendingPathComponent("../share/guardpost/intel").path,
            executable.appendingPathComponent("../../intel").path,
            executable.appendingPathComponent("../../../intel").path, "intel",
        ].compactMap { $0 }
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
            let resource =
                finding.resource.instanceDetails?.instanceId ?? finding.resource.instanceDetails?.networkInterfaces?.first?.networkInterfaceId
                ?? finding.resource.accessKeyDetails?.userName ?? finding.resource.accessKeyDetails?.accessKeyId
                ?? finding.resource.eksClusterDetails?.name ?? "-"
            lines.append(
                severity.padding(toLength: 10, withPad: " ", startingAt: 0) + finding.type.padding(toLength: 61, withPad: " ", startingAt: 0)
                    + String(finding.service.count).padding(toLength: 7, withPad: " ", startingAt: 0)
                    + finding.service.eventLastSeen.padding(toLength: 26, withPad: " ", startingAt: 0) + resource
            )
        }
        return lines.joined(separator: "\n")
    }
}
