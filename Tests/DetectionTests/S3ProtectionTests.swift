import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

/// S3 Protection rules on CloudTrail records as CloudTrail writes them, with benign look-alikes.
@Suite("S3 Protection")
struct S3ProtectionTests {
    /// One CloudTrail S3 event; `parameters` is the requestParameters JSON.
    static func event(
        _ name: String, parameters: String = #"{"bucketName":"finance-reports"}"#, ip: String = "203.0.113.50", agent: String = "aws-cli/2.15.0",
        data: Bool? = nil, time: String = "2026-11-20T10:00:00Z", source: String = "s3.amazonaws.com"
    ) -> String {
        let category = data.map { #","eventCategory":"\#($0 ? "Data" : "Management")","managementEvent":\#(!$0)"# } ?? ""
        return
            #"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","accessKeyId":"AKIAEXAMPLE","userName":"alice"},"eventTime":"\#(time)","eventSource":"\#(source)","eventName":"\#(name)","awsRegion":"us-east-1","sourceIPAddress":"\#(ip)","userAgent":"\#(agent)","requestParameters":\#(parameters),"responseElements":null,"recipientAccountId":"123456789012"\#(category)}"#
    }

    func scan(_ events: [String], threats: [String] = [], s3DataEvents: Bool = true, byteLevel: Bool = true) -> [String: Finding] {
        let scanner = Scanner(threats: threats)
        scanner.engine.s3DataEvents = s3DataEvents
        var parser = CloudTrailParser(byteLevel: byteLevel)
        parser.parse(Array(#"{"Records":[\#(events.joined(separator: ","))]}"#.utf8)) { scanner.engine.process($0) }
        return scanner.types()
    }

    @Test(arguments: [true, false])
    func blockPublicAccessTurnedOffOrDeletedIsReportedAndTurnedOnIsNot(byteLevel: Bool) {
        let off = Self.event(
            "PutBucketPublicAccessBlock",
            parameters:
                #"{"bucketName":"finance-reports","PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}"#
        )
        let on = Self.event(
            "PutBucketPublicAccessBlock",
            parameters:
                #"{"bucketName":"finance-reports","PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}"#
        )
        let found = self.scan([off], byteLevel: byteLevel)["Policy:S3/BucketBlockPublicAccessDisabled"]
        #expect(found?.resource.resourceType == "AccessKey")
        #expect(found?.resource.s3BucketDetails?.first?.name == "finance-reports")
        #expect(found?.resource.s3BucketDetails?.first?.arn == "arn:aws:s3:::finance-reports")
        #expect(found?.severity == 2)
        #expect(self.scan([on], byteLevel: byteLevel).isEmpty)
        #expect(self.scan([Self.event("DeleteBucketPublicAccessBlock")], byteLevel: byteLevel)["Policy:S3/BucketBlockPublicAccessDisabled"] != nil)
        let account = Self.event(
            "PutAccountPublicAccessBlock",
            parameters:
                #"{"PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":false,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}}"#,
            source: "s3-control.amazonaws.com")
        #expect(self.scan([account], byteLevel: byteLevel)["Policy:S3/AccountBlockPublicAccessDisabled"] != nil)
    }

    @Test(arguments: [true, false])
    func aclsAndPoliciesThatOpenTheBucketAreReportedAndPrivateOnesAreNot(byteLevel: Bool) {
        let everyone = Self.event(
            "PutBucketAcl",
            parameters:
                #"{"bucketName":"web-assets","AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}]}}}"#
        )
        let authenticated = Self.event("PutBucketAcl", parameters: #"{"bucketName":"web-assets","x-amz-acl":["authenticated-read"]}"#)
        let privateACL = Self.event("PutBucketAcl", parameters: #"{"bucketName":"web-assets","x-amz-acl":["private"]}"#)
        let openPolicy = Self.event(
            "PutBucketPolicy",
            parameters:
                #"{"bucketName":"web-assets","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::web-assets/*"}]}}"#
        )
        let conditional = Self.event(
            "PutBucketPolicy",
            parameters:
                #"{"bucketName":"web-assets","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}}"#
        )
        let oneAccount = Self.event(
            "PutBucketPolicy",
            parameters:
                #"{"bucketName":"web-assets","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}]}}"#
        )
        #expect(self.scan([everyone], byteLevel: byteLevel)["Policy:S3/BucketAnonymousAccessGranted"]?.severity == 8)
        #expect(self.scan([authenticated], byteLevel: byteLevel)["Policy:S3/BucketPublicAccessGranted"] != nil)
        #expect(self.scan([openPolicy], byteLevel: byteLevel)["Policy:S3/BucketAnonymousAccessGranted"] != nil)
        #expect(self.scan([privateACL, conditional, oneAccount], byteLevel: byteLevel).isEmpty)
    }

    @Test func serverAccessLoggingTurnedOffIsReportedAndTurnedOnIsNot() {
        let off = Self.event(
            "PutBucketLogging", parameters: #"{"bucketName":"audit","BucketLoggingStatus":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/"}}"#)
        let on = Self.event(
            "PutBucketLogging",
            parameters: #"{"bucketName":"audit","BucketLoggingStatus":{"LoggingEnabled":{"TargetBucket":"logs","TargetPrefix":"audit/"}}}"#)
        #expect(self.scan([off])["Stealth:S3/ServerAccessLoggingDisabled"] != nil)
        #expect(self.scan([on]).isEmpty)
    }

    @Test func dataEventsFromListedAddressesNameTheAPIsPurposeAndOnlyWhileS3ProtectionIsOn() {
        let events = [
            Self.event("ListObjects", ip: "92.55.146.245", data: true),
            Self.event("GetObject", parameters: #"{"bucketName":"finance-reports","key":"q3.xlsx"}"#, ip: "92.55.146.245", data: true),
            Self.event("GetObject", parameters: #"{"bucketName":"finance-reports","key":"q4.xlsx"}"#, ip: "203.0.113.9", data: true),
        ]
        let found = self.scan(events, threats: ["92.55.146.245"])
        #expect(Set(found.keys) == ["Discovery:S3/MaliciousIPCaller.Custom", "UnauthorizedAccess:S3/MaliciousIPCaller.Custom"])
        let unauthorized = found["UnauthorizedAccess:S3/MaliciousIPCaller.Custom"]
        #expect(unauthorized?.resource.resourceType == "S3Bucket")
        #expect(unauthorized?.resource.s3BucketDetails?.first?.name == "finance-reports")
        #expect(unauthorized?.resource.accessKeyDetails?.accessKeyId == "AKIAEXAMPLE")
        #expect(unauthorized?.service.action.awsApiCallAction?.api == "GetObject")
        #expect(unauthorized?.service.evidence?.threatIntelligenceDetails.first?.threatListName == "threats.txt")
        // The same logs with S3 Protection off: nothing, and no IAM finding in their place.
        #expect(self.scan(events, threats: ["92.55.146.245"], s3DataEvents: false).isEmpty)
        // A management event from the same address is still the IAM finding.
        #expect(
            self.scan([Self.event("GetBucketAcl", ip: "92.55.146.245", data: false)], threats: ["92.55.146.245"], s3DataEvents: false)[
                "Recon:IAMUser/MaliciousIPCaller.Custom"] != nil)
    }

    @Test func penetrationTestingDistributionsAndTorAndKnownMaliciousAddresses() {
        let kali = Self.event("PutObject", agent: "[aws-cli/2.13.0 Python/3.11 Linux/6.5.0-kali3-amd64]", data: true)
        #expect(self.scan([kali])["PenTest:S3/KaliLinux"]?.severity == 5)
        #expect(self.scan([Self.event("PutObject", data: true)]).isEmpty)
        let tor = ListParser.parse(Array("185.220.101.50\n".utf8), format: .txt, content: .addresses).networks
        let bad = ListParser.parse(Array("192.0.2.200\n45.9.20.0/24\n".utf8), format: .txt, content: .addresses).networks
        let engine = DetectionEngine(intelligence: Intelligence(torNodes: tor, maliciousIPs: bad), detectorId: "d")
        var parser = CloudTrailParser()
        let records = [
            Self.event("ListObjectsV2", ip: "185.220.101.50", data: true), Self.event("DeleteObject", ip: "185.220.101.50", data: true),
            Self.event("HeadObject", ip: "45.9.20.7", data: true), Self.event("GetObject", ip: "45.9.20.7", data: true),
            Self.event("PutObject", ip: "45.9.20.7", data: true),
        ]
        parser.parse(Array(#"{"Records":[\#(records.joined(separator: ","))]}"#.utf8)) { engine.process($0) }
        #expect(
            Set(engine.findings().map(\.type)) == [
                "Discovery:S3/TorIPCaller", "UnauthorizedAccess:S3/TorIPCaller",
                "Discovery:S3/MaliciousIPCaller", "Exfiltration:S3/MaliciousIPCaller", "Impact:S3/MaliciousIPCaller",
            ])
    }
}
