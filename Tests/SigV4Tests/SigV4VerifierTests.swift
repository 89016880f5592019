import Foundation
import SigV4
import Testing

/// What the verifier refuses: every tampered part of a signed request, stale dates, and malformed headers.
@Suite("SigV4 verification")
struct SigV4VerifierTests {
    let credentials = SigV4Credentials(accessKeyId: "AKIATESTTESTTESTTEST", secretAccessKey: "secret-secret-secret-secret-secret-secre")
    let timestamp = "20261126T120000Z"
    var now: Int64 { SigV4Time.parse(self.timestamp)! }

    func signedRequest() -> SigV4Request {
        var request = SigV4Request(
            method: "POST", rawPath: "/detector/abc/member/invite", rawQuery: "a=1",
            headers: [(name: "host", value: "localhost:8080"), (name: "content-type", value: "application/json")],
            body: Array(#"{"accountIds":["111111111111"]}"#.utf8)
        )
        SigV4Signer(credentials: self.credentials, region: "eu-west-1").sign(&request, timestamp: self.timestamp)
        return request
    }

    func verify(_ request: SigV4Request, now: Int64? = nil, secret: String? = nil) throws {
        let verifier = SigV4Verifier()
        let (authorization, timestamp) = try verifier.precheck(request, now: now ?? self.now)
        let key = SigV4.signingKey(
            secret: secret ?? self.credentials.secretAccessKey, date: authorization.date, region: authorization.region, service: authorization.service
        )
        try verifier.verify(request, authorization: authorization, timestamp: timestamp, signingKey: key)
    }

    @Test func acceptsAnUntouchedRequestAndReportsItsScope() throws {
        let request = self.signedRequest()
        try self.verify(request)
        let (authorization, _) = try SigV4Verifier().precheck(request, now: self.now)
        #expect(authorization.accessKeyId == self.credentials.accessKeyId)
        #expect(authorization.region == "eu-west-1")
        #expect(authorization.signedHeaders == ["content-type", "host", "x-amz-date"])
    }

    @Test("a change to any signed part is refused", arguments: ["method", "path", "query", "body", "header", "region"])
    func refusesTampering(part: String) throws {
        var request = self.signedRequest()
        switch part {
        case "method": request.method = "PUT"
        case "path": request.rawPath = "/detector/abd/member/invite"
        case "query": request.rawQuery = "a=2"
        case "body": request.body = Array(#"{"accountIds":["222222222222"]}"#.utf8)
        case "header": request.headers[1].value = "text/plain"
        default:
            let index = request.headers.firstIndex { $0.name == "Authorization" }!
            request.headers[index].value = request.headers[index].value.replacingOccurrences(of: "eu-west-1", with: "us-east-1")
        }
        #expect(throws: SigV4Failure.self) { try self.verify(request) }
    }

    @Test func refusesTheWrongSecret() {
        #expect(throws: SigV4Failure.self) { try self.verify(self.signedRequest(), secret: "another-secret") }
    }

    @Test func refusesRequestsOutsideFifteenMinutes() throws {
        let request = self.signedRequest()
        try self.verify(request, now: self.now + 14 * 60)
        #expect(throws: SigV4Failure.self) { try self.verify(request, now: self.now + 16 * 60) }
        #expect(throws: SigV4Failure.self) { try self.verify(request, now: self.now - 16 * 60) }
    }

    @Test func reportsAMissingHeaderAsMissing() {
        let request = SigV4Request(method: "GET", rawPath: "/detector", headers: [(name: "host", value: "x")])
        #expect(throws: SigV4Failure.missing) { try SigV4Verifier().precheck(request, now: self.now) }
    }

    @Test func refusesMalformedAuthorizationHeaders() {
        for header in [
            "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/guardduty", "Basic abc", "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
        ] {
            let request = SigV4Request(
                method: "GET", rawPath: "/",
                headers: [(name: "host", value: "x"), (name: "authorization", value: header), (name: "x-amz-date", value: self.timestamp)])
            #expect(throws: SigV4Failure.self) { try SigV4Verifier().precheck(request, now: self.now) }
        }
    }

    @Test func refusesAnotherServiceAndAnUnsignedHost() throws {
        var otherService = SigV4Request(method: "GET", rawPath: "/", headers: [(name: "host", value: "x")])
        SigV4Signer(credentials: self.credentials, region: "us-east-1", service: "s3").sign(&otherService, timestamp: self.timestamp)
        #expect(throws: SigV4Failure.self) { try SigV4Verifier().precheck(otherService, now: self.now) }
        // Signed without the Host header, then sent with one: the signature does not cover where it was sent.
        var hostless = SigV4Request(method: "GET", rawPath: "/", headers: [(name: "content-type", value: "application/json")])
        SigV4Signer(credentials: self.credentials, region: "us-east-1").sign(&hostless, timestamp: self.timestamp)
        hostless.headers.append((name: "host", value: "x"))
        #expect(throws: SigV4Failure.self) { try SigV4Verifier().precheck(hostless, now: self.now) }
    }

    @Test func refusesAContentHashThatDoesNotMatchTheBody() {
        var request = self.signedRequest()
        request.headers.append((name: "x-amz-content-sha256", value: SigV4.emptyPayloadHash))
        #expect(throws: SigV4Failure.self) { try self.verify(request) }
    }

    @Test func timestampsRoundTrip() {
        for value in ["19700101T000000Z", "20000229T235959Z", "20261126T120000Z", "21000101T000001Z"] {
            #expect(SigV4Time.format(SigV4Time.parse(value)!) == value)
        }
        #expect(SigV4Time.parse("2026-11-26T12:00:00Z") == nil)
        #expect(SigV4Time.parse("20261326T120000Z") == nil)
    }

    @Test func canonicalURIEncodesTheWirePathOnceMore() {
        #expect(SigV4Encoding.canonicalURI(rawPath: "/tags/arn%3Aaws%3Adetector%2Fx") == "/tags/arn%253Aaws%253Adetector%252Fx")
        #expect(SigV4Encoding.canonicalURI(rawPath: "/a/./b/../c") == "/a/c")
        #expect(SigV4Encoding.canonicalQuery(rawQuery: "b=2&a=3&a=1&c") == "a=1&a=3&b=2&c=")
    }
}

/// The console's form bodies made ready for Hummingbird's decoder: checkbox groups as arrays, other names once,
/// hostile bodies bounded.
@Suite("Form encoding")
struct FormEncodingTests {
    @Test func repeatedCheckboxesBecomeArraysAndOtherNamesKeepTheirFirstValue() {
        let body = FormEncoding.normalised("id=a&name=x&id=b&name=y&flag", repeatedFields: ["id"])
        #expect(body == "id[]=a&name=x&id[]=b&flag=")
    }

    @Test func bracketedNamesAreDroppedBrokenNamesLeftForTheDecoderAndFieldsBounded() {
        #expect(FormEncoding.normalised("a[b]=1&%5Bx=2&c=3", repeatedFields: []) == "c=3")
        #expect(FormEncoding.normalised("%zz=1&c=3", repeatedFields: []) == "%zz=1&c=3")
        let many = Array(repeating: "x=1", count: 5000).joined(separator: "&")
        #expect(FormEncoding.normalised(many, repeatedFields: ["x"]).split(separator: "&").count == 1000)
    }
}
