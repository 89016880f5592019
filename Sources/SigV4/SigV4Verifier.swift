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

/// Why a request's signature was not accepted.
public enum SigV4Failure: Error, Sendable, Equatable {
    /// No Authorization header at all.
    case missing
    /// The Authorization header or the date is malformed.
    case malformed(String)
    /// The signature does not match, or the request is too old or too new.
    case invalid(String)
}

/// Verifies requests signed with Signature Version 4 for one service.
public struct SigV4Verifier: Sendable {
    public var service: String
    /// Allowed difference between the request's X-Amz-Date and the server's clock.
    public var maxSkewSeconds: Int64

    public init(service: String = "guardduty", maxSkewSeconds: Int64 = 15 * 60) {
        self.service = service
        self.maxSkewSeconds = maxSkewSeconds
    }

    /// Checks everything that does not need the secret: the header's form, the date, the skew, the service.
    public func precheck(_ request: SigV4Request, now: Int64) throws(SigV4Failure) -> (SigV4Authorization, timestamp: String) {
        guard let header = request.canonicalHeaderValue("authorization") else { throw .missing }
        let authorization = try SigV4Authorization.parse(header)
        guard authorization.service == self.service else {
            throw .invalid("Credential should be scoped to correct service: '\(self.service)'.")
        }
        guard authorization.signedHeaders.contains("host") else {
            throw .invalid("'Host' must be a signed header.")
        }
        guard let timestamp = request.canonicalHeaderValue("x-amz-date") else {
            throw .malformed("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard let seconds = SigV4Time.parse(timestamp) else {
            throw .malformed("X-Amz-Date '\(timestamp.prefix(32))' is not of the form YYYYMMDDTHHMMSSZ.")
        }
        guard timestamp.hasPrefix(authorization.date) else {
            throw .invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(authorization.date)' != '\(timestamp.prefix(8))'.")
        }
        if seconds < now - self.maxSkewSeconds {
            throw .invalid(
                "Signature expired: \(timestamp) is now earlier than \(SigV4Time.format(now - self.maxSkewSeconds)) (\(SigV4Time.format(now)) - 15 min.)"
            )
        }
        if seconds > now + self.maxSkewSeconds {
            throw .invalid(
                "Signature not yet current: \(timestamp) is still later than \(SigV4Time.format(now + self.maxSkewSeconds)) (\(SigV4Time.format(now)) + 15 min.)"
            )
        }
        return (authorization, timestamp)
    }

    /// Recomputes the signature with `secret` (or a cached signing key) and compares it in constant time.
    public func verify(
        _ request: SigV4Request,
        authorization: SigV4Authorization,
        timestamp: String,
        signingKey: SymmetricKey
    ) throws(SigV4Failure) {
        let bodyHash = SigV4Encoding.sha256Hex(request.body)
        if let declared = request.canonicalHeaderValue("x-amz-content-sha256"), declared != bodyHash {
            throw .invalid("The provided 'x-amz-content-sha256' header does not match what was computed.")
        }
        guard let canonical = SigV4.canonicalRequest(request, signedHeaders: authorization.signedHeaders, payloadHash: bodyHash) else {
            throw .invalid("A header listed in SignedHeaders is missing from the request.")
        }
        let stringToSign = SigV4.stringToSign(timestamp: timestamp, scope: authorization.scope, canonicalRequest: canonical)
        let expected = SigV4.signature(signingKey: signingKey, stringToSign: stringToSign)
        guard SigV4Encoding.constantTimeEquals(expected, authorization.signature) else {
            throw .invalid(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            )
        }
    }
}

/// SigV4's basic ISO 8601 timestamps (`20150830T123600Z`) to and from seconds since 1970, without Foundation.
public enum SigV4Time {
    public static func parse(_ value: String) -> Int64? {
        let bytes = Array(value.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var result: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                result = result * 10 + Int64(byte - 48)
            }
            return result
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        return CivilDate.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
    }

    public static func format(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilDate.date(days: days)
        let pad = CivilDate.pad
        return "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))T\(pad(secondOfDay / 3600, 2))\(pad(secondOfDay / 60 % 60, 2))\(pad(secondOfDay % 60, 2))Z"
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
