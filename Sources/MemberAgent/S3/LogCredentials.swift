import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import SigV4

/// The credentials the agent reads the log bucket and its queue with — separate from the member's Guardpost keys: the
/// default AWS chain (AWS_ACCESS_KEY_ID…, then the `default` profile, then the container's or the EC2 instance
/// profile's) or `--log-profile NAME`, and optionally a role assumed with them (`--log-role-arn`, STS AssumeRole), as a
/// central log-archive account grants. Temporary credentials are renewed five minutes before they expire.
public final class LogCredentials: Sendable {
    /// Keys, or nil: the machine's (container, instance profile).
    let base: SigV4Credentials?
    let machine: MachineCredentials
    let roleArn: String?
    let stsEndpoint: String
    let region: String
    private let assumed = NIOLockedValueBox<(credentials: SigV4Credentials, expires: Double)?>(nil)
    private let machineCache = NIOLockedValueBox<(credentials: SigV4Credentials, expires: Double)?>(nil)

    /// `stsEndpoint` nil: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, then STS's regional endpoint.
    /// `base` nil: the machine's credentials (container, then instance profile).
    public init(
        base: SigV4Credentials?, region: String, roleArn: String? = nil, stsEndpoint: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.base = base
        self.machine = MachineCredentials(environment: environment)
        self.region = region
        self.roleArn = roleArn
        self.stsEndpoint =
            stsEndpoint ?? environment["AWS_ENDPOINT_URL_STS"] ?? environment["AWS_ENDPOINT_URL"] ?? "https://sts.\(region).amazonaws.com"
    }

    /// The credentials to sign with now.
    func current(_ http: HTTPClient) async throws -> SigV4Credentials {
        guard let roleArn = self.roleArn else { return try await self.baseCredentials(http) }
        let now = Date().timeIntervalSince1970
        if let cached = self.assumed.withLockedValue({ $0 }), cached.expires - 300 > now { return cached.credentials }
        let base = try await self.baseCredentials(http)
        let fresh = try await Retrying.run { try await self.assumeRole(roleArn, with: base, http) }
        self.assumed.withLockedValue { $0 = fresh }
        return fresh.credentials
    }

    /// The keys given, or the machine's (cached until five minutes before they expire).
    private func baseCredentials(_ http: HTTPClient) async throws -> SigV4Credentials {
        if let base = self.base { return base }
        if let cached = self.machineCache.withLockedValue({ $0 }), cached.expires - 300 > Date().timeIntervalSince1970 { return cached.credentials }
        let fresh = try await Retrying.run(attempts: 3) { try await self.machine.fetch(http) }
        self.machineCache.withLockedValue { $0 = fresh }
        return fresh.credentials
    }

    /// STS AssumeRole (query protocol) with the base credentials.
    private func assumeRole(_ roleArn: String, with base: SigV4Credentials, _ http: HTTPClient) async throws -> (
        credentials: SigV4Credentials, expires: Double
    ) {
        var request = try AWSRequest(url: self.stsEndpoint, path: "/")
        request.method = "POST"
        request.headers = [("content-type", "application/x-www-form-urlencoded; charset=utf-8")]
        let form = [
            ("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleArn), ("RoleSessionName", "guardpost-agent"),
            ("DurationSeconds", "3600"),
        ]
        request.body = Array(form.map { "\($0.0)=\(SigV4Encoding.percentEncode($0.1))" }.joined(separator: "&").utf8)
        let response = try await request.send(http, service: "sts", region: self.region, credentials: base, timeout: .seconds(30))
        let body = Array(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else {
            throw S3RequestError.from(status: Int(response.status.code), body: body, what: "assuming \(roleArn)")
        }
        let xml = XMLElements(body)
        guard let id = xml.first("AccessKeyId"), let secret = xml.first("SecretAccessKey"), let token = xml.first("SessionToken") else {
            throw S3RequestError(status: 200, code: "InvalidResponse", message: "STS answered AssumeRole without credentials", retryable: false)
        }
        let expiration = xml.first("Expiration").flatMap { ISO8601DateFormatter().date(from: $0.replacingOccurrences(of: ".000", with: "")) }
        return (
            SigV4Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token),
            expiration?.timeIntervalSince1970 ?? Date().timeIntervalSince1970 + 900
        )
    }
}
