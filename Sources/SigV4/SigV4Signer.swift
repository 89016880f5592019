import Crypto

/// The pieces of a signature computation, exposed so a verifier and tests can inspect them.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// Headers botocore never signs.
    public static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "user-agent", "x-amzn-trace-id",
    ]

    /// The canonical request over `signedHeaders` (lowercase, sorted); nil when a signed header is missing.
    /// S3 (`singleEncodedPath`) takes the path as sent; every other service normalises it and encodes it once more.
    public static func canonicalRequest(
        _ request: SigV4Request, signedHeaders: [String], payloadHash: String, singleEncodedPath: Bool = false
    ) -> String? {
        var lines: [String] = [
            request.method.uppercased(),
            singleEncodedPath ? request.rawPath : SigV4Encoding.canonicalURI(rawPath: request.rawPath),
            SigV4Encoding.canonicalQuery(rawQuery: request.rawQuery),
        ]
        for name in signedHeaders {
            guard let value = request.canonicalHeaderValue(name) else { return nil }
            lines.append("\(name):\(value)")
        }
        lines.append("")
        lines.append(signedHeaders.joined(separator: ";"))
        lines.append(payloadHash)
        return lines.joined(separator: "\n")
    }

    public static func stringToSign(timestamp: String, scope: String, canonicalRequest: String) -> String {
        "\(self.algorithm)\n\(timestamp)\n\(scope)\n\(SigV4Encoding.sha256Hex(Array(canonicalRequest.utf8)))"
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
    public static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ message: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
        }
        let kDate = hmac(SymmetricKey(data: Array("AWS4\(secret)".utf8)), date)
        return hmac(hmac(hmac(kDate, region), service), "aws4_request")
    }

    public static func signature(signingKey: SymmetricKey, stringToSign: String) -> String {
        SigV4Encoding.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey))
    }
}

/// Signs requests as botocore does: every header present is signed except the ones botocore leaves out.
public struct SigV4Signer: Sendable {
    public var credentials: SigV4Credentials
    public var region: String
    public var service: String

    public init(credentials: SigV4Credentials, region: String, service: String = "guardduty") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Adds `X-Amz-Date` and `Authorization` to the request. `host` must already be among the headers.
    public func sign(_ request: inout SigV4Request, timestamp: String) {
        request.headers.removeAll { $0.name.lowercased() == "authorization" || $0.name.lowercased() == "x-amz-date" }
        request.headers.append((name: "X-Amz-Date", value: timestamp))
        if let token = self.credentials.sessionToken, !request.headers.contains(where: { $0.name.lowercased() == "x-amz-security-token" }) {
            request.headers.append((name: "X-Amz-Security-Token", value: token))
        }
        let signedHeaders = Set(request.headers.map { $0.name.lowercased() }).subtracting(SigV4.unsignedHeaders).sorted()
        let payloadHash = SigV4Encoding.sha256Hex(request.body)
        let date = String(timestamp.prefix(8))
        let scope = "\(date)/\(self.region)/\(self.service)/aws4_request"
        let canonical = SigV4.canonicalRequest(
            request, signedHeaders: signedHeaders, payloadHash: payloadHash, singleEncodedPath: self.service == "s3"
        )!
        let key = SigV4.signingKey(secret: self.credentials.secretAccessKey, date: date, region: self.region, service: self.service)
        let signature = SigV4.signature(
            signingKey: key, stringToSign: SigV4.stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical))
        request.headers.append(
            (
                name: "Authorization",
                value:
                    "\(SigV4.algorithm) Credential=\(self.credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
            ))
    }
}
