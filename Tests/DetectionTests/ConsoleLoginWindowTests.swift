import Detection
import Foundation
import GuardDutyModel
import Testing
import ThreatLists

/// ConsoleLoginSuccess.B over sliding windows: distant places within the hour whatever the clock hour, and the benign
/// look-alikes (a traveller, one city, a VPN flip within one country).
@Suite("ConsoleLoginSuccess.B windows")
struct ConsoleLoginWindowTests {
    static let locations = Intelligence.locations(
        tsv: "45.9.0.0/16\tDE\n198.51.0.0/16\tUS\n81.2.0.0/16\tGB\n81.3.0.0/16\tGB\n")
    static let day: Int64 = 1_767_225_600

    static func login(_ ip: String, at seconds: Int64, user: String = "alice") -> String {
        #"{"eventTime":"\#(TrailEvents.time(seconds))","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","#
            + #""sourceIPAddress":"\#(ip)","userAgent":"Mozilla/5.0","recipientAccountId":"123456789012","#
            + #""userIdentity":{"type":"IAMUser","userName":"\#(user)","principalId":"AIDA\#(user)","#
            + #""arn":"arn:aws:iam::123456789012:user/\#(user)"},"responseElements":{"ConsoleLogin":"Success"}}"#
    }

    static func findings(_ lines: [String], closingBefore: Int64? = nil) -> [Finding] {
        TrailEvents.findings(lines, intelligence: Intelligence(locations: Self.locations), closingBefore: closingBefore)
            .filter { $0.type == "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B" }
    }

    @Test func twoCountries22MinutesApartAcrossTheHourAreReportedInEitherOrder() throws {
        // 10:50 from the US, 11:12 from Germany: the old clock-hour buckets split these.
        let lines = [Self.login("198.51.7.1", at: Self.day + 10 * 3600 + 50 * 60), Self.login("45.9.20.9", at: Self.day + 11 * 3600 + 12 * 60)]
        let found = Self.findings(lines)
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.severity == 5 && finding.description.contains("DE, US"))
        #expect(finding.service.action.awsApiCallAction?.remoteIpDetails?.ipAddressV4 == "198.51.7.1")
        #expect(TrailEvents.summary(Self.findings(lines.reversed())) == TrailEvents.summary(found))
    }

    @Test func anotherSourcesNewerRecordsDoNotCloseTheLoginWindowBeforeItsSecondLogin() {
        // A streaming agent reads the first login, then flow logs two hours newer, then the second login (objects read
        // in different polls): the CloudTrail window is judged against CloudTrail's own progress.
        let engine = DetectionEngine(intelligence: Intelligence(locations: Self.locations), accountId: "123456789012", detectorId: "d")
        var parser = CloudTrailParser()
        let window = engine.thresholds.windowSeconds
        parser.parse(Array(Self.login("198.51.7.1", at: Self.day + 600).utf8)) { engine.process($0) }
        let flowsMuchLater = Self.day + 7_200
        var marks = Watermarks(flow: flowsMuchLater - window, cloudTrail: Self.day + 600 - window)
        #expect(engine.findings(closingWindowsBefore: marks).filter { $0.type.hasSuffix("ConsoleLoginSuccess.B") }.isEmpty)
        parser.parse(Array(Self.login("45.9.20.9", at: Self.day + 1_500).utf8)) { engine.process($0) }
        marks.cloudTrail = Self.day + 1_500 - window
        _ = engine.findings(closingWindowsBefore: marks)
        #expect(engine.findings().filter { $0.type.hasSuffix("ConsoleLoginSuccess.B") }.count == 1)
        // What the old single watermark did: the flow logs' progress judged the first login alone.
        let single = DetectionEngine(intelligence: Intelligence(locations: Self.locations), accountId: "123456789012", detectorId: "d")
        var again = CloudTrailParser()
        again.parse(Array(Self.login("198.51.7.1", at: Self.day + 600).utf8)) { single.process($0) }
        _ = single.findings(closingWindowsBefore: flowsMuchLater - window)
        again.parse(Array(Self.login("45.9.20.9", at: Self.day + 1_500).utf8)) { single.process($0) }
        #expect(single.findings().filter { $0.type.hasSuffix("ConsoleLoginSuccess.B") }.isEmpty)
    }

    @Test func aTravellersLoginsHoursApartAreNotReported() {
        let lines = [
            Self.login("198.51.7.1", at: Self.day + 8 * 3600), Self.login("45.9.20.9", at: Self.day + 19 * 3600),
            Self.login("198.51.7.1", at: Self.day + 40 * 3600),
        ]
        #expect(Self.findings(lines).isEmpty)
    }

    @Test func loginsFromOneCityOrNetworkAreNotReported() {
        let lines = (0..<12).map { Self.login("198.51.7.\($0 + 1)", at: Self.day + Int64($0) * 300) }
        #expect(Self.findings(lines).isEmpty)
    }

    @Test func aVPNFlipWithinOneCountryIsNotReported() {
        // Two networks of one country, minutes apart, several times a day.
        let lines = (0..<6).flatMap { round in
            [Self.login("81.2.69.160", at: Self.day + Int64(round) * 7_200), Self.login("81.3.1.1", at: Self.day + Int64(round) * 7_200 + 300)]
        }
        #expect(Self.findings(lines).isEmpty)
    }

    @Test func anotherUsersLoginIsNotCountedWithAlices() {
        let lines = [Self.login("198.51.7.1", at: Self.day), Self.login("45.9.20.9", at: Self.day + 600, user: "bob")]
        #expect(Self.findings(lines).isEmpty)
    }

    @Test func aStreamingAgentJudgesAWindowOnlyOnceItHasPassed() {
        let lines = [Self.login("198.51.7.1", at: Self.day), Self.login("45.9.20.9", at: Self.day + 1_200)]
        #expect(Self.findings(lines, closingBefore: Self.day + 1_800).isEmpty)
        #expect(Self.findings(lines, closingBefore: Self.day + 3_600).count == 1)
    }
}
