import Foundation
import GuardDutyModel
import MemberAgent
import SigV4
import Testing

/// A fresh temporary directory per test.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "guardpost-agent-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func append(_ text: String, to path: String) throws {
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
}

@Suite("AWS configuration")
struct AWSConfigurationTests {
    @Test func profilesComeFromTheCredentialsAndConfigFilesAsTheCLIReadsThem() throws {
        let directory = try temporaryDirectory()
        try "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = secret0\n\n[member]\naws_access_key_id=AKIAMEMBER\naws_secret_access_key=secret1\n"
            .write(toFile: "\(directory)/credentials", atomically: true, encoding: .utf8)
        try "[default]\nregion = eu-west-1\n[profile member]\nregion = us-west-2\n".write(toFile: "\(directory)/config", atomically: true, encoding: .utf8)
        let files = ["AWS_SHARED_CREDENTIALS_FILE": "\(directory)/credentials", "AWS_CONFIG_FILE": "\(directory)/config"]
        let member = try AWSConfiguration.resolve(profile: "member", region: nil, environment: files)
        #expect(member == AWSConfiguration(credentials: SigV4Credentials(accessKeyId: "AKIAMEMBER", secretAccessKey: "secret1"), region: "us-west-2"))
        let fromEnvironmentProfile = try AWSConfiguration.resolve(profile: nil, region: "ap-south-1", environment: files.merging(["AWS_PROFILE": "member"]) { $1 })
        #expect(fromEnvironmentProfile.credentials.accessKeyId == "AKIAMEMBER" && fromEnvironmentProfile.region == "ap-south-1")
        // Keys in the environment win over the default profile; AWS_REGION over the profile's region.
        let environment = files.merging(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "secret2", "AWS_REGION": "us-east-2"]) { $1 }
        #expect(try AWSConfiguration.resolve(profile: nil, region: nil, environment: environment)
            == AWSConfiguration(credentials: SigV4Credentials(accessKeyId: "AKIAENV", secretAccessKey: "secret2"), region: "us-east-2"))
        #expect(try AWSConfiguration.resolve(profile: nil, region: nil, environment: files).credentials.accessKeyId == "AKIADEFAULT")
        #expect(throws: AgentError.self) { try AWSConfiguration.resolve(profile: "nobody", region: "us-east-1", environment: files) }
        #expect(throws: AgentError.self) { try AWSConfiguration.resolve(profile: nil, region: "us-east-1", environment: ["HOME": directory]) }
    }
}

@Suite("Outbox")
struct OutboxTests {
    func finding(_ id: String) -> Finding {
        Finding(
            accountId: "111111111111", arn: "arn:aws:guardduty:us-east-1:111111111111:detector/d/finding/\(id)", createdAt: "2026-01-01T00:00:00.000Z",
            description: "", id: id, region: "us-east-1", resource: Finding.Resource(resourceType: "Instance"),
            service: Finding.Service(action: .dns(Finding.DnsRequestAction(domain: "x.example", protocolName: "UDP", blocked: false)), evidence: nil, count: 1,
                                     detectorId: "d", eventFirstSeen: "2026-01-01T00:00:00.000Z", eventLastSeen: "2026-01-01T00:00:00.000Z",
                                     resourceRole: "ACTOR", additionalInfo: nil, featureName: nil),
            severity: 5, title: "", type: "Trojan:EC2/DropPoint!DNS", updatedAt: "2026-01-01T00:00:00.000Z"
        )
    }

    @Test func batchesSurviveReopeningAndLeaveOnlyWhenAcknowledgedInOrder() throws {
        let directory = try temporaryDirectory()
        var outbox = try Outbox(directory: directory)
        try outbox.append(detectorId: "d", findings: (0..<450).map { self.finding("f\($0)") })
        #expect(outbox.pendingBatches == 3)  // 200 + 200 + 50
        // A restart finds the same batches, oldest first, and numbers new ones after them.
        outbox = try Outbox(directory: directory)
        try outbox.append(detectorId: "d", findings: [self.finding("late")])
        var seen: [String] = []
        while let (name, body) = try outbox.oldest() {
            let batch = try JSONDecoder().decode(AgentFindingBatch.self, from: Data(body))
            seen += batch.findings.map(\.id)
            if batch.findings.first?.id == "late" {
                try outbox.reject(name, reason: "refused for the test")
            } else {
                try outbox.acknowledge(name)
            }
        }
        #expect(seen == (0..<450).map { "f\($0)" } + ["late"])
        #expect(outbox.pendingBatches == 0)
        #expect(outbox.rejectedBatches == 1)
    }
}

@Suite("Log tailing")
struct LogTailerTests {
    func drain(_ tailer: LogTailer) throws -> [String] {
        var lines: [String] = []
        try tailer.poll { _, _, bytes, _ in
            lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        return lines
    }

    @Test func appendedLinesAreReadOnceAndAPartialLineWaitsForItsNewline() throws {
        let directory = try temporaryDirectory()
        let file = "\(directory)/flow.log"
        try append("one\ntwo\nthr", to: file)
        let tailer = LogTailer(dataSource: .flowLogs, path: file)
        #expect(try self.drain(tailer) == ["one", "two"])
        #expect(try self.drain(tailer).isEmpty)
        try append("ee\nfour\n", to: file)
        #expect(try self.drain(tailer) == ["three", "four"])
    }

    @Test func aRestartFromSavedCursorsNeitherSkipsNorRepeats() throws {
        let directory = try temporaryDirectory()
        try append("a\nb\n", to: "\(directory)/1.log")
        let first = LogTailer(dataSource: .dnsLogs, path: directory)
        #expect(try self.drain(first) == ["a", "b"])
        try append("c\n", to: "\(directory)/1.log")
        try append("d\n", to: "\(directory)/2.log")
        let restarted = LogTailer(dataSource: .dnsLogs, path: directory, cursors: Array(first.cursors.values))
        #expect(try self.drain(restarted) == ["c", "d"])
    }

    @Test func rotationFinishesTheRenamedFileAndStartsTheNewOneFromItsStart() throws {
        let directory = try temporaryDirectory()
        try append("old-1\n", to: "\(directory)/app.log")
        let tailer = LogTailer(dataSource: .flowLogs, path: directory)
        #expect(try self.drain(tailer) == ["old-1"])
        try append("old-2\n", to: "\(directory)/app.log")
        try FileManager.default.moveItem(atPath: "\(directory)/app.log", toPath: "\(directory)/app.log.1")
        try append("new-1\n", to: "\(directory)/app.log")
        #expect(Set(try self.drain(tailer)) == ["old-2", "new-1"])
        // A truncated file is read again from its start.
        try "x\n".write(toFile: "\(directory)/app.log", atomically: false, encoding: .utf8)
        #expect(try self.drain(tailer) == ["x"])
    }

    @Test func aSingleWatchedFileThatIsRotatedIsFinishedBeforeTheNewOneIsRead() throws {
        let directory = try temporaryDirectory()
        let file = "\(directory)/resolver.log"
        try append("a\n", to: file)
        let tailer = LogTailer(dataSource: .dnsLogs, path: file)
        #expect(try self.drain(tailer) == ["a"])
        // Written after the last poll, then rotated away (renamed, later deleted), and a new file takes the path.
        try append("b\n", to: file)
        try FileManager.default.moveItem(atPath: file, toPath: "\(directory)/resolver.log.1")
        try FileManager.default.removeItem(atPath: "\(directory)/resolver.log.1")
        try append("c\n", to: file)
        #expect(Set(try self.drain(tailer)) == ["b", "c"])
        #expect(try self.drain(tailer).isEmpty)
    }

    @Test func aDirectoryOfManyFilesDoesNotHoldADescriptorForEach() throws {
        let directory = try temporaryDirectory()
        for index in 0..<200 { try append("line \(index)\n", to: String(format: "%@/%03d.log", directory, index)) }
        let tailer = LogTailer(dataSource: .flowLogs, path: directory)
        tailer.maxOpenFiles = 16
        #expect(try self.drain(tailer).count == 200)
        #expect(tailer.openFileCount <= 16)
    }

    @Test func wholeCloudTrailDocumentsAreReadOnceWhenTheyStopGrowing() throws {
        let directory = try temporaryDirectory()
        let file = "\(directory)/trail.json"
        try append("{\n  \"Records\": [\n    {\"eventName\":\"A\"}", to: file)
        let tailer = LogTailer(dataSource: .cloudTrail, path: file)
        var reads = 0
        try tailer.poll { _, _, _, _ in reads += 1 }
        try append("]}", to: file)
        try tailer.poll { _, _, _, _ in reads += 1 }
        #expect(reads == 0)  // still growing at each poll
        try tailer.poll { _, _, bytes, _ in
            reads += 1
            #expect(String(decoding: bytes, as: UTF8.self).hasSuffix("]}"))
        }
        try tailer.poll { _, _, _, _ in reads += 1 }
        #expect(reads == 1)
    }
}
