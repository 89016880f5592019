import Crypto
import GuardDutyModel

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header.
public struct SigV4Authorization: Sendable, Equatable {
    public var accessKeyId: String
    public var date: String
    public var region: String
    public var service: String
    public var signedHeaders: [String]
    public var signature: String

    public var scope: String { "\(self.date)/\(self.region)/\(self.service)/aws4_request" }

    /// Parses the header; the error says which part is malformed, as AWS's `IncompleteSignatureException` does.
    public static func parse(_ header: String) throws(SigV4Failure) -> SigV4Authorization {
        guard header.hasPrefix(SigV4.algorithm + " ") else {
            throw .malformed("Authorization header must start with '\(SigV4.algorithm) '.")
        }
        var credential: String?
        var signedHeaders: String?
        var signature: String?
        for part in header.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
            let item = part.trimmingSpaces()
            guard let equals = item.firstIndex(of: "=") else { continue }
            let key = item[..<equals]
            let value = String(item[item.index(after: equals)...])
            switch key {
            case "Credential": credential = value
            case "SignedHeaders": signedHeaders = value
            case "Signature": signature = value
            default: break
            }
        }
        guard let credential, let signedHeaders, let signature else {
            throw .malformed("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.")
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, scope[4] == "aws4_request", scope[1].utf8.count == 8 else {
            throw .malformed("Credential should be scoped to a valid region: 'ACCESS_KEY/YYYYMMDD/REGION/SERVICE/aws4_request'.")
        }
        let headers = signedHeaders.split(separator: ";").map { String($0) }
        guard !headers.isEmpty, headers == headers.map({ $0.lowercased() }), headers == headers.sorted() else {
            throw .malformed("SignedHeaders must be lowercase header names in sorted order, separated by ';'.")
        }
        return SigV4Authorization(
            accessKeyId: String(scope[0]), date: String(scope[1]), region: String(scope[2]), service: String(scope[3]),
            signedHeaders: headers, signature: signature
        )
    }
}
