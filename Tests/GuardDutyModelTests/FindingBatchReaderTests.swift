import Foundation
import GuardDutyModel
import Testing

/// The agent's batch is read in one pass, without `JSONDecoder`: what ingest reads of each finding must be what the
/// decoded finding says, members the reader does not know travel in the document as sent, and any body that is not
/// strict JSON, or whose bytes could say other than what was read, is refused (no database).
@Suite("Finding batch reader")
struct FindingBatchReaderTests {
    static let account = "111122223333"
    static let region = "us-east-1"
    static let detector = "0123456789abcdef0123456789abcdef"

    /// One sample of every catalogued type: network connections, API calls, port probes, DNS, S3 and access keys.
    static func samples() -> [Finding] {
        FindingCatalog.all.keys.sorted().enumerated().map { index, type in
            SampleFindings.make(
                type: FindingCatalog.all[type]!, id: "f\(index)", accountId: Self.account, region: Self.region, detectorId: Self.detector,
                now: "2026-11-20T10:00:00.000Z")
        }
    }

    /// The batch as an agent sends it, its keys sorted so that the edits below find what they replace.
    static func body(_ findings: [Finding]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(AgentFindingBatch(detectorId: Self.detector, findings: findings)))
    }

    /// The batch's first finding, as the agent encodes it, with `edit` applied to its JSON text.
    static func edited(_ edit: (String) -> String) throws -> [UInt8] {
        Array(edit(String(decoding: try Self.body(Array(Self.samples().prefix(2))), as: UTF8.self)).utf8)
    }

    func refusal(_ body: [UInt8]) -> String? {
        do {
            _ = try FindingBatchReader(body)
            return nil
        } catch let error as GuardDutyError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    func refusal(_ json: String) -> String? { self.refusal(Array(json.utf8)) }

    @Test func whatIsReadOfEachFindingIsWhatTheDecodedFindingSays() throws {
        var findings = Self.samples()
        // Optional members absent, null, or holding escapes read as their decoded text.
        findings[0].title = "caf\u{e9} \"quoted\"\n\u{1F600}"
        findings[0].resource.instanceDetails = nil
        findings[1].service.archived = true
        findings[1].service.userFeedback = "USEFUL"
        let body = try Self.body(findings)
        let batch = try FindingBatchReader(body)
        #expect(batch.detectorId == Self.detector)
        #expect(batch.findings == findings.map(FindingHeader.init))
        #expect(try batch.documents.map { try JSONDecoder().decode(Finding.self, from: Data(body[$0])) } == findings)
        #expect(Set(batch.findings.compactMap { $0.remoteIP }).count > 1)
        #expect(batch.findings.contains { $0.resourceId == nil } && batch.findings.contains { $0.resourceId != nil })
        #expect(batch.findings.allSatisfy { $0.sample })
        #expect(batch.findings[1].archived && batch.findings[1].hasUserFeedback)
        #expect(batch.findings[0].titleBytes == findings[0].title.utf8.count)
    }

    @Test func aKubernetesFindingsClusterAndCallerAreItsResourceAndRemoteAddress() throws {
        var finding = try #require(Self.samples().first { $0.resource.resourceType == "EKSCluster" })
        finding.resource.eksClusterDetails = Finding.EksClusterDetails(name: "prod-east")
        var call = Finding.KubernetesApiCallAction(
            requestUri: "/api/v1/secrets", verb: "list", sourceIps: ["198.51.100.7"], userAgent: nil, statusCode: 200)
        call.remoteIpDetails = Finding.RemoteIpDetails(address: "198.51.100.7")
        finding.service.action = .kubernetes(call)
        let header = try #require(try FindingBatchReader(Self.body([finding])).findings.first)
        #expect(header == FindingHeader(finding))
        #expect(header.resourceId == "prod-east" && header.remoteIP == "198.51.100.7")
    }

    @Test func escapedValuesAndNullOptionalsReadAsTheirDecodedText() throws {
        let body = try Self.edited {
            $0.replacingOccurrences(of: #""id":"f0""#, with: #""id":"\u0066\u0030""#)
                .replacingOccurrences(of: #""detectorId":"\#(Self.detector)""#, with: #""detectorId":"\#(Self.detector)","userFeedback":null"#)
        }
        let batch = try FindingBatchReader(body)
        #expect(batch.findings[0].id == "f0")
        #expect(!batch.findings[0].hasUserFeedback)
        let decoded = try JSONDecoder().decode(AgentFindingBatch.self, from: Data(body))
        #expect(batch.findings == decoded.findings.map(FindingHeader.init))
    }

    @Test func membersTheReaderDoesNotKnowAreCarriedInTheDocumentAsSent() throws {
        let kubernetes = #""kubernetesDetails":{"kubernetesUserDetails":{"username":"system:anonymous","groups":["a","b"]},"x":[1,2.5e3,true,null]}"#
        let body = try Self.edited { $0.replacingOccurrences(of: #""id":"f0""#, with: #""id":"f0","# + kubernetes) }
        let batch = try FindingBatchReader(body)
        #expect(String(decoding: body[batch.documents[0]], as: UTF8.self).contains(kubernetes))
        #expect(batch.findings.map { $0.id } == ["f0", "f1"])
    }

    @Test func aKeyNamedTwiceInAnyObjectOrWrittenWithEscapesIsRefused() throws {
        #expect(
            self.refusal(try Self.edited { $0.replacingOccurrences(of: #""id":"f1""#, with: #""id":"f1","severity":9"#) })?.contains("twice") == true)
        #expect(self.refusal(#"{"detectorId":"d","findings":[],"findings":[]}"#)?.contains("twice") == true)
        #expect(self.refusal(#"{"detectorId":"d","findings":[],"x":[{"k":1,"k":2}]}"#)?.contains("names key 'k' twice") == true)
        #expect(self.refusal(#"{"detectorId":"d","findings":[],"x":{"typ\u0065":1}}"#)?.contains("escapes") == true)
        // A large object is checked too (sorted once, not pairwise); the same key in sibling objects is no repeat.
        let many = (0..<5000).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        #expect(self.refusal(#"{"detectorId":"d","findings":[],"x":{"# + many + #","k4999":0}}"#)?.contains("names key 'k4999' twice") == true)
        #expect(self.refusal(#"{"detectorId":"d","findings":[],"x":{"# + many + #"},"y":[{"k":1},{"k":1}]}"#) == nil)
    }

    @Test(arguments: [
        #"{"detectorId":"d","findings":[]} x"#, #"{"detectorId":"d","findings":[],}"#, #"{"detectorId":"d","findings":[1,]}"#,
        #"{"detectorId":"d","findings":[],"x":tru}"#, #"{"detectorId":"d","findings":[],"x":nul}"#, #"{"detectorId":"d","findings":[],"x":01}"#,
        #"{"detectorId":"d","findings":[],"x":1.}"#, #"{"detectorId":"d","findings":[],"x":-}"#, #"{"detectorId":"d","findings":[],"x":1e}"#,
        #"{"detectorId":"d","findings":[],"x":NaN}"#, #"{"detectorId":"d","findings":[],"x":"a\qb"}"#,
        #"{"detectorId":"d","findings":[],"x":"\u12"}"#,
        #"{"detectorId":"d","findings":[],"x":"\ud800"}"#, #"{"detectorId":"d","findings":[],"x":"\udc00\ud800"}"#,
        "{\"detectorId\":\"d\",\"findings\":[],\"x\":\"a\tb\"}", #"{"detectorId":"d","findings":[],"x":"open}"#, #"{"detectorId":"d""#,
        #"[]"#, "", #"{"findings":[]}"#, #"{"detectorId":"d"}"#, #"{"detectorId":7,"findings":[]}"#, #"{"detectorId":"d","findings":{}}"#,
        #"{"detectorId":"d","findings":[7]}"#,
    ])
    func bodiesThatAreNotStrictJSONOrNotABatchAreRefused(_ json: String) {
        #expect(self.refusal(json) != nil)
    }

    @Test func invalidUTF8AndDeepNestingAreRefused() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let body = Array(#"{"detectorId":"d","findings":[],"x":""#.utf8) + bad + Array(#""}"#.utf8)
            #expect(self.refusal(body)?.contains("UTF-8") == true, "\(bad)")
        }
        #expect(self.refusal(#"{"detectorId":"d","findings":[],"x":"caf\#u{e9} \#u{1F600}"}"#) == nil)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(self.refusal(#"{"detectorId":"d","findings":[],"x":"# + deep + "}")?.contains("deeper") == true)
        #expect(
            self.refusal(#"{"detectorId":"d","findings":[],"x":"# + String(repeating: "[", count: 60) + String(repeating: "]", count: 60) + "}")
                == nil)
    }

    @Test func aFindingLackingARequiredMemberOrHoldingOneOfTheWrongKindIsRefused() throws {
        let cases: [(String, String, String)] = [
            (#""accountId":"111122223333","#, "", "without accountId"),
            (#""schemaVersion":"2.0","#, "", "without schemaVersion"),
            (#""resourceRole":"#, #""role":"#, "without service.resourceRole"),
            (#""actionType":"#, #""kind":"#, "without service.action.actionType"),
            (#""count":1"#, #""count":"1""#, "not a number"),
            (#""count":1"#, #""count":1.5"#, "not a whole number"),
            (#""count":1"#, #""count":12345678901234567890"#, "not a whole number"),
            (#""archived":false"#, #""archived":"false""#, "not true or false"),
            (#""severity":"#, #""severity":"high","x":"#, "not a number"),
            (#""resourceType":"#, #""resourceType":5,"y":"#, "not a string"),
            (#""id":"f0""#, #""id":null"#, "not a string"),
        ]
        for (from, to, why) in cases {
            let body = try Self.edited { text in
                // Only in the first finding.
                guard let range = text.range(of: from) else { return "missing \(from)" }
                return text.replacingCharacters(in: range, with: to)
            }
            let refused = self.refusal(body)
            #expect(refused?.contains(why) == true, "\(from) -> \(to): \(refused ?? "accepted")")
        }
    }

    @Test func aSeverityOrCountBeyondAnyRangeIsReadAndThenRefusedByTheRules() throws {
        let body = try Self.edited { $0.replacingOccurrences(of: #""severity":"#, with: #""severity":1e400,"z":"#) }
        let batch = try FindingBatchReader(body)
        #expect(batch.findings[0].severity == .infinity)
        #expect(throws: GuardDutyError.self) {
            try FindingLimits.ingestBatch(batch.findings, accountId: Self.account, region: Self.region, detectorId: Self.detector)
        }
        let ok = try FindingBatchReader(try Self.edited { $0 })
        #expect(try FindingLimits.ingestBatch(ok.findings, accountId: Self.account, region: Self.region, detectorId: Self.detector) == [0, 1])
    }
}
