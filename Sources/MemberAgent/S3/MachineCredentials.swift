import AsyncHTTPClient
import Foundation
import NIOCore
import SigV4

/// The credentials of the machine the agent runs on, which the AWS SDKs try last in their default chain: a
/// container's (ECS, EKS Pod Identity: `AWS_CONTAINER_CREDENTIALS_FULL_URI` or `_RELATIVE_URI`, with
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` or `_TOKEN_FILE`), else the EC2 instance profile's through IMDSv2 (a session
/// token first; `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it, `AWS_EC2_METADATA_DISABLED=true` turns it off).
struct MachineCredentials: Sendable {
    let environment: [String: String]

    /// Fetches the current temporary credentials and when they expire.
    func fetch(_ http: HTTPClient) async throws -> (credentials: SigV4Credentials, expires: Double) {
        if let url = self.containerURL {
            var headers: [(String, String)] = []
            if let token = self.containerToken { headers.append(("authorization", token)) }
            return try Self.credentials(try await Self.get(http, url, method: "GET", headers: headers), from: "the container credentials endpoint")
        }
        guard self.environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true" else {
            throw S3RequestError(
                status: 0, code: "NoCredentials", message: "no keys, no profile, and the instance metadata service is disabled", retryable: false)
        }
        let base = (self.environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254").trimmingCharacters(in: ["/"])
        let token = String(
            decoding: try await Self.get(
                http, "\(base)/latest/api/token", method: "PUT", headers: [("x-aws-ec2-metadata-token-ttl-seconds", "21600")]), as: UTF8.self)
        let session = [("x-aws-ec2-metadata-token", token)]
        let roles = String(
            decoding: try await Self.get(http, "\(base)/latest/meta-data/iam/security-credentials/", method: "GET", headers: session), as: UTF8.self)
        guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty, !role.contains("/") else {
            throw S3RequestError(status: 0, code: "NoCredentials", message: "the instance has no IAM role (instance profile)", retryable: false)
        }
        let path = "\(base)/latest/meta-data/iam/security-credentials/\(SigV4Encoding.percentEncode(role))"
        return try Self.credentials(try await Self.get(http, path, method: "GET", headers: session), from: "the instance metadata service")
    }

    private var containerURL: String? {
        if let full = self.environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty { return full }
        if let relative = self.environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty { return "http://169.254.170.2\(relative)" }
        return nil
    }

    private var containerToken: String? {
        if let file = self.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], let token = try? String(contentsOfFile: file, encoding: .utf8) {
            return token.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return self.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    }

    private static func get(_ http: HTTPClient, _ url: String, method: String, headers: [(String, String)]) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(5))
        } catch {
            throw S3RequestError(
                status: 0, code: "NoCredentials", message: "no keys, no profile, and \(url) cannot be reached: \(error)", retryable: true)
        }
        let body = Array(buffer: try await response.body.collect(upTo: 64 << 10))
        guard response.status == .ok else {
            throw S3RequestError(
                status: Int(response.status.code), code: "NoCredentials", message: "\(url) answered HTTP \(response.status.code)",
                retryable: response.status.code >= 500)
        }
        return body
    }

    /// `{"AccessKeyId","SecretAccessKey","Token","Expiration"}` as both endpoints answer.
    private static func credentials(_ body: [UInt8], from what: String) throws -> (credentials: SigV4Credentials, expires: Double) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let id = object["AccessKeyId"] as? String,
            let secret = object["SecretAccessKey"] as? String
        else {
            throw S3RequestError(
                status: 200, code: "NoCredentials", message: "\(what) answered without AccessKeyId and SecretAccessKey", retryable: false)
        }
        let expires = (object["Expiration"] as? String).flatMap(S3LogClient.timestamp) ?? Date().timeIntervalSince1970 + 900
        return (SigV4Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: object["Token"] as? String), expires)
    }
}
