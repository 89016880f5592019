import Crypto
import GuardDutyModel

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
            throw .invalid(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(authorization.date)' != '\(timestamp.prefix(8))'."
            )
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

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
