import SigV4
import Testing

/// Signatures from the AWS Signature Version 4 test suite (service "service", 20150830T123600Z) and requests
/// signed by botocore exactly as it sends GuardDuty calls; the signer must reproduce them and the verifier accept them.
@Suite("SigV4 reference vectors")
struct SigV4VectorTests {
    static let credentials = SigV4Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var service: String
        var timestamp: String
        var method: String
        var path: String
        var query: String = ""
        var headers: [(name: String, value: String)]
        var body: String = ""
        var signedHeaders: String
        var signature: String
        var testDescription: String { self.name }
    }

    static let vectors: [Vector] = [
        Vector(
            name: "aws get-vanilla", service: "service", timestamp: "20150830T123600Z", method: "GET", path: "/",
            headers: [("Host", "example.amazonaws.com")], signedHeaders: "host;x-amz-date",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(
            name: "aws get-vanilla-query-order-key-case", service: "service", timestamp: "20150830T123600Z", method: "GET", path: "/",
            query: "Param2=value2&Param1=value1", headers: [("Host", "example.amazonaws.com")], signedHeaders: "host;x-amz-date",
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(
            name: "aws post-vanilla", service: "service", timestamp: "20150830T123600Z", method: "POST", path: "/",
            headers: [("Host", "example.amazonaws.com")], signedHeaders: "host;x-amz-date",
            signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Vector(
            name: "aws post-x-www-form-urlencoded", service: "service", timestamp: "20150830T123600Z", method: "POST", path: "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Host", "example.amazonaws.com")],
            body: "Param1=value1", signedHeaders: "content-type;host;x-amz-date",
            signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
        Vector(
            name: "aws get-header-value-trim", service: "service", timestamp: "20150830T123600Z", method: "GET", path: "/",
            headers: [("Host", "example.amazonaws.com"), ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
            signedHeaders: "host;my-header1;my-header2;x-amz-date",
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        Vector(
            name: "botocore UntagResource (encoded ARN path, repeated query)", service: "guardduty", timestamp: "20240501T100000Z",
            method: "DELETE", path: "/tags/arn%3Aaws%3Aguardduty%3Aus-east-1%3A123456789012%3Adetector%2Fabc", query: "tagKeys=a&tagKeys=b%20c",
            headers: [("Host", "127.0.0.1:8080")], signedHeaders: "host;x-amz-date",
            signature: "42ccff0ca3be52d162e273fbc96ee2f96cff2d50218a0e07d8bbd6ebaf95fa43"),
        Vector(
            name: "botocore CreateMembers (JSON body)", service: "guardduty", timestamp: "20240501T100000Z", method: "POST",
            path: "/detector/abc/member", headers: [("Host", "127.0.0.1:8080"), ("Content-Type", "application/json")],
            body: #"{"accountDetails": [{"accountId": "111111111111", "email": "a@example.com"}]}"#,
            signedHeaders: "content-type;host;x-amz-date", signature: "4260d71a9c54f8eee246f3b7cdf04fadfb820923572e126070ff870078bc8f1c"),
        Vector(
            name: "botocore ListMembers (encoded token in query)", service: "guardduty", timestamp: "20240501T100000Z", method: "GET",
            path: "/detector/abc/member", query: "maxResults=2&onlyAssociated=false&nextToken=Z3Ax%3DYQ",
            headers: [("Host", "127.0.0.1:8080")], signedHeaders: "host;x-amz-date",
            signature: "ec86db40fc26e949ebb1fff1e00ae1aa76ca531966e682ecc632c1e2b03dda4c"),
    ]

    func request(_ vector: Vector) -> SigV4Request {
        SigV4Request(method: vector.method, rawPath: vector.path, rawQuery: vector.query, headers: vector.headers, body: Array(vector.body.utf8))
    }

    @Test("the signer reproduces the reference signature", arguments: Self.vectors)
    func signerReproducesSignature(vector: Vector) throws {
        var request = self.request(vector)
        SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: vector.service).sign(&request, timestamp: vector.timestamp)
        let authorization = try #require(request.canonicalHeaderValue("authorization"))
        #expect(authorization.hasSuffix("SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)"))
    }

    @Test("the verifier accepts the reference request", arguments: Self.vectors)
    func verifierAcceptsReferenceRequest(vector: Vector) throws {
        var request = self.request(vector)
        request.headers.append((name: "X-Amz-Date", value: vector.timestamp))
        request.headers.append(
            (
                name: "Authorization",
                value:
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\(vector.timestamp.prefix(8))/us-east-1/\(vector.service)/aws4_request, SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)"
            ))
        let verifier = SigV4Verifier(service: vector.service)
        let now = try #require(SigV4Time.parse(vector.timestamp))
        let (authorization, timestamp) = try verifier.precheck(request, now: now + 60)
        let key = SigV4.signingKey(
            secret: Self.credentials.secretAccessKey, date: authorization.date, region: authorization.region, service: authorization.service)
        try verifier.verify(request, authorization: authorization, timestamp: timestamp, signingKey: key)
    }
}
