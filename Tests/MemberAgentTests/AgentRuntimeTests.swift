import Foundation
import GuardDutyModel
import Logging
import ServiceLifecycle
import SigV4
import Testing

@testable import MemberAgent

/// The agent runtime against a fake channel: its services under one group, driven by what is appended to a DNS log.
@Suite("Agent runtime")
struct AgentRuntimeTests {
    static let finding = "Impact:EC2/MaliciousDomainRequest.Custom"

    /// A Route 53 Resolver query log line: `instance` asks for `name`.
    static func query(_ name: String, instance: String) -> String {
        #"{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"2026-11-30T09:00:00Z","#
            + #""query_name":"\#(name)","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[],"srcaddr":"10.0.0.5","srcport":"5353","#
            + #""transport":"UDP","srcids":{"instance":"\#(instance)"}}"# + "\n"
    }

    /// A CloudTrail S3 data event (one JSON line): GetObject in `bucket` from 92.55.146.245.
    static func s3Event(bucket: String) -> String {
        #"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","#
            + #""accountId":"123456789012","accessKeyId":"AKIAEXAMPLE","userName":"alice"},"eventTime":"2026-11-20T10:00:00Z","#
            + #""eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"92.55.146.245","#
            + #""userAgent":"aws-cli/2.15.0","requestParameters":{"bucketName":"\#(bucket)","key":"q3.xlsx"},"responseElements":null,"#
            + #""recipientAccountId":"123456789012","eventCategory":"Data","managementEvent":false}"# + "\n"
    }

    /// A running agent over a state directory and one DNS log, stopped by graceful shutdown.
    struct Agent {
        let runtime: AgentRuntime
        let group: ServiceGroup
        let task: Task<Void, any Error>

        init(
            state: String, log: String, channel: FakeChannel, updatesEvery: Double? = nil, cloudTrail: [String] = [],
            kubernetesAuditLogs: [String] = [], clusterName: String = "kubernetes"
        ) throws {
            let aws = AWSConfiguration(credentials: SigV4Credentials(accessKeyId: "AKIAAGENT", secretAccessKey: "s"), region: "us-east-1")
            var options = AgentOptions(endpointURL: "http://unused.invalid", aws: aws, stateDirectory: state, dnsLogs: [log])
            options.cloudTrail = cloudTrail
            options.kubernetesAuditLogs = kubernetesAuditLogs
            options.clusterName = clusterName
            options.pollInterval = .milliseconds(50)
            options.heartbeatInterval = .milliseconds(100)
            options.updateIntervalOverride = updatesEvery
            var logger = Logger(label: "agent-test")
            logger.logLevel = .critical
            let runtime = try AgentRuntime(options: options, logger: logger, channel: channel)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [runtime], logger: logger))
            self.runtime = runtime
            self.group = group
            self.task = Task { try await group.run() }
        }

        /// Graceful shutdown (as on SIGTERM), waiting until every service returned.
        func stop() async throws {
            await self.group.triggerGracefulShutdown()
            try await self.task.value
        }
    }

    /// Waits until `condition` holds, with a generous deadline (the test fails if it passes).
    static func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        // Generous: the whole test run shares two cores, and the precision suites hold one for minutes.
        let deadline = ContinuousClock.now + .seconds(240)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record(Comment(rawValue: "timed out waiting: \(what)"))
        throw CancellationError()
    }

    /// The instances of the findings of the test's type that the channel received, in order.
    static func instances(_ channel: FakeChannel) async -> [String] {
        await channel.findings.filter { $0.type == Self.finding }.compactMap { $0.resource.instanceDetails?.instanceId }
    }

    /// Records analysed from the logs of a data source, as the last heartbeat reported them.
    static func recordsReported(_ channel: FakeChannel, _ dataSource: String = "DNS_LOGS") async -> Int {
        await channel.heartbeats.last?.sources.first { $0.dataSource == dataSource }?.records ?? 0
    }

    @Test func aThreatListAddedMidStreamReachesDetectionForTheRecordsThatFollow() async throws {
        let directory = try temporaryDirectory()
        let log = "\(directory)/resolver.log"
        let channel = FakeChannel()
        try append(Self.query("c2.evil.example.net.", instance: "i-before"), to: log)
        let agent = try Agent(state: "\(directory)/state", log: log, channel: channel)
        try await Self.eventually("the first record analysed") { await Self.recordsReported(channel) >= 1 }
        #expect(agent.runtime.counters.newFindings == 0)

        await channel.addThreatList(name: "threats.txt", entries: ["evil.example.net"])
        try await Self.eventually("configuration 2 applied") { agent.runtime.counters.appliedConfigVersion == 2 }
        try append(Self.query("c2.evil.example.net.", instance: "i-after"), to: log)
        try await Self.eventually("the finding delivered") { await !Self.instances(channel).isEmpty }
        try await Self.eventually("both records reported") { await Self.recordsReported(channel) == 2 }
        try await agent.stop()

        #expect(await Self.instances(channel) == ["i-after"])
        let finding = try #require(await channel.findings.first)
        // Reported for the configuration's account and region, in the agent's detector.
        #expect(finding.accountId == "111122223333" && finding.service.detectorId == FakeChannel.detector)
        #expect(finding.service.evidence?.threatIntelligenceDetails.first?.threatListName == "threats.txt")
        let heartbeat = try #require(await channel.heartbeats.last)
        #expect(heartbeat.configVersion == 2 && heartbeat.sources.first?.dataSource == "DNS_LOGS")
    }

    @Test func findingsFoundWhileTheServerIsDownWaitInTheOutboxAndAreDeliveredWhenItReturns() async throws {
        let directory = try temporaryDirectory()
        let log = "\(directory)/resolver.log"
        let channel = FakeChannel()
        await channel.addThreatList(name: "threats.txt", entries: ["evil.example.net"])
        let agent = try Agent(state: "\(directory)/state", log: log, channel: channel)
        try await Self.eventually("configuration applied") { agent.runtime.counters.appliedConfigVersion == 2 }

        await channel.setDown(true)
        for instance in ["i-1", "i-2", "i-3"] { try append(Self.query("x.evil.example.net.", instance: instance), to: log) }
        try await Self.eventually("three findings in the outbox") { agent.runtime.counters.newFindings == 3 }
        #expect(try Outbox(directory: "\(directory)/state/outbox").pendingBatches >= 1)
        #expect(await channel.batches.isEmpty)

        await channel.setDown(false)
        try await Self.eventually("the findings delivered") { await Self.instances(channel).count == 3 }
        try await agent.stop()
        #expect(Set(await Self.instances(channel)) == ["i-1", "i-2", "i-3"])
        #expect(try Outbox(directory: "\(directory)/state/outbox").pendingBatches == 0)
    }

    @Test func aBatchTheServerRefusesIsSetAsideAndTheNextOnesAreStillDelivered() async throws {
        let directory = try temporaryDirectory()
        let log = "\(directory)/resolver.log"
        let channel = FakeChannel()
        await channel.addThreatList(name: "threats.txt", entries: ["evil.example.net"])
        await channel.setRefusesFindings(true)
        let agent = try Agent(state: "\(directory)/state", log: log, channel: channel)
        try await Self.eventually("configuration applied") { agent.runtime.counters.appliedConfigVersion == 2 }

        try append(Self.query("x.evil.example.net.", instance: "i-refused"), to: log)
        let outbox = try Outbox(directory: "\(directory)/state/outbox")
        try await Self.eventually("the batch set aside") { outbox.rejectedBatches == 1 }
        await channel.setRefusesFindings(false)
        try append(Self.query("x.evil.example.net.", instance: "i-accepted"), to: log)
        try await Self.eventually("the next finding delivered") { await !Self.instances(channel).isEmpty }
        try await agent.stop()

        #expect(await Self.instances(channel) == ["i-accepted"])
        #expect(outbox.pendingBatches == 0 && outbox.rejectedBatches == 1)
        // The refused batch is kept for the operator with the server's reason beside it.
        let rejected = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/state/outbox/rejected")
        let reason = try #require(rejected.first { $0.hasSuffix(".reason.txt") })
        #expect(try String(contentsOfFile: "\(directory)/state/outbox/rejected/\(reason)", encoding: .utf8).contains("BadRequestException"))
    }

    @Test func aRestartedAgentResumesAtItsCheckpointWithoutRepeatingOrLosingAFinding() async throws {
        let directory = try temporaryDirectory()
        let log = "\(directory)/resolver.log"
        let channel = FakeChannel()
        await channel.addThreatList(name: "threats.txt", entries: ["evil.example.net"])
        try append(Self.query("x.evil.example.net.", instance: "i-1"), to: log)
        let first = try Agent(state: "\(directory)/state", log: log, channel: channel, updatesEvery: 0.2)
        try await Self.eventually("the first finding delivered") { await Self.instances(channel) == ["i-1"] }
        try await first.stop()
        #expect(FileManager.default.fileExists(atPath: "\(directory)/state/checkpoint.json"))

        // Written while the agent was stopped: a new finding, and a second occurrence of the first.
        try append(Self.query("x.evil.example.net.", instance: "i-2"), to: log)
        try append(Self.query("x.evil.example.net.", instance: "i-1"), to: log)
        let second = try Agent(state: "\(directory)/state", log: log, channel: channel, updatesEvery: 0.2)
        try await Self.eventually("the new finding and the update delivered") {
            let findings = await channel.findings.filter { $0.type == Self.finding }
            return findings.contains { $0.resource.instanceDetails?.instanceId == "i-2" }
                && findings.contains { $0.resource.instanceDetails?.instanceId == "i-1" && $0.service.count == 2 }
        }
        try await Self.eventually("the records read after the restart reported") { await Self.recordsReported(channel) == 2 }
        try await second.stop()

        let findings = await channel.findings.filter { $0.type == Self.finding }
        // i-1 once as new (count 1), once as an update (count 2: the record before the restart was not read again);
        // i-2 once.
        #expect(findings.map { "\($0.resource.instanceDetails?.instanceId ?? "-")×\($0.service.count)" }.sorted() == ["i-1×1", "i-1×2", "i-2×1"])
        #expect(second.runtime.counters.newFindings == 1)
    }

    @Test func s3ProtectionSwitchedOnMidStreamReachesDetectionForTheS3DataEventsThatFollow() async throws {
        let directory = try temporaryDirectory()
        let trail = "\(directory)/trail.json"
        let channel = FakeChannel()
        await channel.addThreatList(name: "threats.txt", entries: ["92.55.146.245"])
        try append(Self.s3Event(bucket: "before"), to: trail)
        let agent = try Agent(state: "\(directory)/state", log: "\(directory)/resolver.log", channel: channel, cloudTrail: [trail])
        try await Self.eventually("the first S3 data event read") { await Self.recordsReported(channel, "CLOUD_TRAIL") >= 1 }
        #expect(agent.runtime.counters.newFindings == 0)

        await channel.setFeature("S3_DATA_EVENTS", "ENABLED")
        try await Self.eventually("configuration 3 applied") { agent.runtime.counters.appliedConfigVersion == 3 }
        try append(Self.s3Event(bucket: "after"), to: trail)
        try await Self.eventually("the S3 finding delivered") {
            await channel.findings.contains { $0.type == "UnauthorizedAccess:S3/MaliciousIPCaller.Custom" }
        }
        try await agent.stop()

        // Only the event read while S3 Protection was on: the one before it was ignored, not kept for later.
        let buckets = await channel.findings.compactMap { $0.resource.s3BucketDetails?.first?.name }
        #expect(Set(buckets) == ["after"])
    }
}
