import Foundation
import GuardDutyModel
import Testing
import ThreatLists

@testable import Detection

/// CloudTrail events as AWS writes them, for the precision tests of the CloudTrail rules.
enum TrailEvents {
    static func time(_ seconds: Int64) -> String { Timestamps.format(seconds).replacingOccurrences(of: ".000Z", with: "Z") }

    /// A call made with an instance's role credentials (session named after the instance).
    static func instanceCall(
        _ instance: String, from ip: String, at seconds: Int64, name: String = "DescribeInstances", extra: String = ""
    ) -> String {
        #"{"eventTime":"\#(time(seconds))","eventName":"\#(name)","eventSource":"ec2.amazonaws.com","sourceIPAddress":"\#(ip)","#
            + #""userAgent":"aws-sdk-go/1.44","recipientAccountId":"123456789012","userIdentity":{"type":"AssumedRole","#
            + #""principalId":"AROAEXAMPLE:\#(instance)","accessKeyId":"ASIA\#(instance.dropFirst(2).uppercased())","#
            + #""arn":"arn:aws:sts::123456789012:assumed-role/app-role/\#(instance)"}\#(extra)}"#
    }

    /// An address event of an administrator: `AllocateAddress` or `CreateNatGateway` answering with `publicIp`.
    static func addressEvent(_ name: String, publicIp: String, at seconds: Int64) -> String {
        let response =
            name == "CreateNatGateway"
            ? #"{"CreateNatGatewayResponse":{"natGateway":{"natGatewayId":"nat-0a1","natGatewayAddressSet":{"item":[{"#
                + #""allocationId":"eipalloc-1","privateIp":"10.0.0.9","publicIp":"\#(publicIp)"}]}}}}"#
            : #"{"requestId":"r-1","publicIp":"\#(publicIp)","allocationId":"eipalloc-1","domain":"vpc"}"#
        return #"{"eventTime":"\#(time(seconds))","eventName":"\#(name)","eventSource":"ec2.amazonaws.com","#
            + #""sourceIPAddress":"198.51.100.7","userAgent":"console.amazonaws.com","recipientAccountId":"123456789012","#
            + #""userIdentity":{"type":"IAMUser","userName":"admin","principalId":"AIDAADMIN","accessKeyId":"AKIAADMIN","#
            + #""arn":"arn:aws:iam::123456789012:user/admin"},"requestParameters":{"domain":"vpc"},"responseElements":\#(response)}"#
    }

    /// The findings of a scan over `lines` (as one CloudTrail file, through the byte-level reader or the full parser).
    static func findings(_ lines: [String], intelligence: Intelligence, fullParser: Bool = false, closingBefore: Int64? = nil) -> [Finding] {
        let engine = DetectionEngine(intelligence: intelligence, accountId: "123456789012", detectorId: "d")
        let bytes = Array(#"{"Records":[\#(lines.joined(separator: ","))]}"#.utf8)
        var parser = CloudTrailParser(byteLevel: !fullParser)
        parser.parse(bytes) { engine.process($0) }
        return engine.findings(closingWindowsBefore: closingBefore)
    }

    /// What a finding is, for comparing runs: type, resource and count.
    static func summary(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.type)|\($0.resource.accessKeyDetails?.accessKeyId ?? "-")|\($0.service.count)" }.sorted()
    }
}

@Suite("InstanceCredentialExfiltration")
struct InstanceCredentialTests {
    static let nat = "3.84.10.10"
    static let otherAccountEC2 = "3.90.200.1"
    static let outside = "45.9.20.9"
    static let day: Int64 = 1_767_225_600

    static func intelligence() throws -> Intelligence { try AWSRangesTests.intelligence() }

    static func types(_ findings: [Finding]) -> [String] {
        findings.map(\.type).filter { $0.contains("InstanceCredentialExfiltration") }.sorted()
    }

    /// Day one: the NAT gateway is created; then the fleet calls through it for days; on the last day one instance's
    /// credentials are used from outside AWS and from another account's EC2 address.
    static func attackDay() -> [String] {
        var lines = [TrailEvents.addressEvent("CreateNatGateway", publicIp: Self.nat, at: Self.day)]
        for hour in 0..<48 {
            for instance in ["i-0aaa", "i-0bbb", "i-0ccc"] {
                lines.append(TrailEvents.instanceCall(instance, from: Self.nat, at: Self.day + 600 + Int64(hour) * 3600))
            }
        }
        lines.append(TrailEvents.instanceCall("i-0aaa", from: Self.outside, at: Self.day + 47 * 3600, name: "ListBuckets"))
        lines.append(TrailEvents.instanceCall("i-0bbb", from: Self.otherAccountEC2, at: Self.day + 47 * 3600 + 60, name: "GetCallerIdentity"))
        return lines
    }

    @Test func stolenCredentialsUsedOutsideAndInsideAWSAreReportedAndTheNATIsNot() throws {
        let findings = TrailEvents.findings(Self.attackDay(), intelligence: try Self.intelligence())
        #expect(
            Self.types(findings) == [
                "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
                "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            ])
        let inside = try #require(findings.first { $0.type.hasSuffix("InsideAWS") })
        #expect(inside.severity == 8)
        #expect(inside.service.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4 == Self.otherAccountEC2)
        #expect(inside.description.contains("i-0bbb") && inside.description.contains("EC2 (us-east-1)"))
        let outside = try #require(findings.first { $0.type.hasSuffix("OutsideAWS") })
        #expect(outside.severity == 8 && outside.resource.accessKeyDetails?.accessKeyId == "ASIA0AAA")
    }

    @Test func theFindingsDoNotDependOnTheOrderOfTheEventsOrTheReader() throws {
        let intelligence = try Self.intelligence()
        func summary(_ lines: [String], fullParser: Bool = false) -> [String] {
            TrailEvents.summary(
                TrailEvents.findings(lines, intelligence: intelligence, fullParser: fullParser).filter { Self.types([$0]).count == 1 })
        }
        let forward = summary(Self.attackDay())
        #expect(forward.count == 2)
        #expect(summary(Self.attackDay().reversed()) == forward)
        #expect(summary(Self.attackDay(), fullParser: true) == forward)
    }

    @Test func theNATGatewayCreatedAfterTheCallsInTheFilesStillMakesItsAddressOurs() throws {
        // One instance only (so the shared-address rule cannot help), the gateway's event last in the file.
        let calls = (0..<10).map { TrailEvents.instanceCall("i-0aaa", from: Self.nat, at: Self.day + Int64($0) * 60) }
        let first = [TrailEvents.instanceCall("i-0aaa", from: "3.85.0.1", at: Self.day - 60)]
        let late = TrailEvents.addressEvent("CreateNatGateway", publicIp: Self.nat, at: Self.day + 7_200)
        let intelligence = try Self.intelligence()
        #expect(Self.types(TrailEvents.findings(first + calls + [late], intelligence: intelligence)).isEmpty)
        #expect(
            Self.types(TrailEvents.findings(first + calls, intelligence: intelligence)) == [
                "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS"
            ])
    }

    @Test func anElasticIPTheAccountAllocatedIsOurs() throws {
        let lines = [
            TrailEvents.instanceCall("i-0aaa", from: "3.85.0.1", at: Self.day),
            TrailEvents.instanceCall("i-0aaa", from: "3.86.0.1", at: Self.day + 60),
            TrailEvents.addressEvent("AllocateAddress", publicIp: "3.86.0.1", at: Self.day + 600),
        ]
        #expect(Self.types(TrailEvents.findings(lines, intelligence: try Self.intelligence())).isEmpty)
        #expect(Self.types(TrailEvents.findings(lines, intelligence: try Self.intelligence(), fullParser: true)).isEmpty)
    }

    @Test func anAddressNamedInAssociateAddressParametersOrANATGatewaysAnswerIsOurs() throws {
        let associate = TrailEvents.addressEvent("AllocateAddress", publicIp: "3.86.0.1", at: Self.day + 600)
            .replacingOccurrences(of: #""eventName":"AllocateAddress""#, with: #""eventName":"AssociateAddress""#)
            .replacingOccurrences(
                of: #""requestParameters":{"domain":"vpc"}"#, with: #""requestParameters":{"publicIp":"3.86.0.1","instanceId":"i-0aaa"}"#
            )
            .replacingOccurrences(of: #""publicIp":"3.86.0.1","allocationId""#, with: #""associationId""#)
        let calls = [
            TrailEvents.instanceCall("i-0aaa", from: "3.85.0.1", at: Self.day),
            TrailEvents.instanceCall("i-0aaa", from: "3.86.0.1", at: Self.day + 60),
        ]
        let nat = TrailEvents.addressEvent("CreateNatGateway", publicIp: "3.86.0.1", at: Self.day + 600)
        for fullParser in [false, true] {
            #expect(Self.types(TrailEvents.findings(calls + [associate], intelligence: try Self.intelligence(), fullParser: fullParser)).isEmpty)
            #expect(Self.types(TrailEvents.findings(calls + [nat], intelligence: try Self.intelligence(), fullParser: fullParser)).isEmpty)
            // A failed call names no address of ours.
            let failed = nat.replacingOccurrences(
                of: #""eventName":"CreateNatGateway","#, with: #""eventName":"CreateNatGateway","errorCode":"Client.Unauthorized","#)
            #expect(Self.types(TrailEvents.findings(calls + [failed], intelligence: try Self.intelligence(), fullParser: fullParser)).count == 1)
        }
    }

    @Test func anAWSAddressSharedByTwoInstancesIsAGatewayButAnOutsideOneIsNot() throws {
        let intelligence = try Self.intelligence()
        let shared = ["i-0aaa", "i-0bbb"].map { TrailEvents.instanceCall($0, from: "3.87.0.5", at: Self.day + 300) }
        let homes = ["i-0aaa", "i-0bbb"].map { TrailEvents.instanceCall($0, from: Self.nat, at: Self.day) }
        #expect(Self.types(TrailEvents.findings(homes + shared, intelligence: intelligence)).isEmpty)
        // Two instances' credentials used from one address outside AWS: both stolen, both reported.
        let stolen = ["i-0aaa", "i-0bbb"].map { TrailEvents.instanceCall($0, from: Self.outside, at: Self.day + 300) }
        let findings = TrailEvents.findings(homes + stolen, intelligence: intelligence)
        #expect(Self.types(findings) == Array(repeating: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", count: 2))
    }

    @Test func anInstancesOwnPublicAddressIsNotAnotherAccounts() throws {
        let lines = (0..<20).map { TrailEvents.instanceCall("i-0aaa", from: "3.88.1.2", at: Self.day + Int64($0) * 600) }
        #expect(Self.types(TrailEvents.findings(lines, intelligence: try Self.intelligence())).isEmpty)
    }

    @Test func aDualStackInstanceCallingFromItsIPv6AddressAndThroughTheNATIsNotReported() throws {
        let lines = [
            TrailEvents.addressEvent("CreateNatGateway", publicIp: Self.nat, at: Self.day),
            TrailEvents.instanceCall("i-0aaa", from: Self.nat, at: Self.day + 60),
            TrailEvents.instanceCall("i-0aaa", from: "2600:1f18:4000::1a", at: Self.day + 120),
            TrailEvents.instanceCall("i-0aaa", from: "2600:1f18:4000::1a", at: Self.day + 7_200),
        ]
        #expect(Self.types(TrailEvents.findings(lines, intelligence: try Self.intelligence())).isEmpty)
    }

    @Test func callsThroughEndpointsFromPrivateAddressesAndByServicesAreNeverCandidates() throws {
        let lines = [
            TrailEvents.instanceCall("i-0aaa", from: Self.outside, at: Self.day, extra: #","vpcEndpointId":"vpce-0123""#),
            TrailEvents.instanceCall("i-0aaa", from: "10.0.3.4", at: Self.day),
            TrailEvents.instanceCall("i-0aaa", from: "ec2.amazonaws.com", at: Self.day),
            TrailEvents.instanceCall("i-0aaa", from: "AWS Internal", at: Self.day),
            TrailEvents.instanceCall("i-0aaa", from: Self.outside, at: Self.day).replacingOccurrences(
                of: #""type":"AssumedRole","#, with: #""type":"AssumedRole","invokedBy":"ssm.amazonaws.com","#),
        ]
        #expect(Self.types(TrailEvents.findings(lines, intelligence: try Self.intelligence())).isEmpty)
        #expect(Self.types(TrailEvents.findings(lines, intelligence: try Self.intelligence(), fullParser: true)).isEmpty)
    }

    @Test func aStreamingAgentWaitsForTheGatewaysEventBeforeJudging() throws {
        let call = TrailEvents.instanceCall("i-0aaa", from: Self.outside, at: Self.day)
        let intelligence = try Self.intelligence()
        #expect(Self.types(TrailEvents.findings([call], intelligence: intelligence, closingBefore: Self.day + 60)).isEmpty)
        #expect(Self.types(TrailEvents.findings([call], intelligence: intelligence, closingBefore: Self.day + 3_600)).count == 1)
    }

    @Test func withoutAWSRangesEveryPublicAddressButOursIsOutsideAWS() {
        let lines = [
            TrailEvents.instanceCall("i-0aaa", from: Self.nat, at: Self.day),
            TrailEvents.instanceCall("i-0aaa", from: Self.otherAccountEC2, at: Self.day + 60),
            TrailEvents.addressEvent("AllocateAddress", publicIp: Self.nat, at: Self.day + 120),
        ]
        #expect(
            Self.types(TrailEvents.findings(lines, intelligence: Intelligence())) == [
                "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
            ])
    }

    @Test func publicAddressesAreReadFromAnyDepthOfTheAnswer() {
        let json =
            #"{"a":{"publicIp" : "3.84.10.10","b":[{"publicIp":"2600:1f18::1"},{"publicIp":"not-an-ip"},{"publicIpv4Pool":"amazon"}]},"publicIp":"#
        #expect(OrganisationAddresses.publicIPs(in: Array(json.utf8)).map(\.description) == ["3.84.10.10", "2600:1f18::1"])
    }
}
