import AsyncHTTPClient
import Foundation
import GuardDutyModel
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL
import SigV4

/// Signed requests to the administrator server, as botocore sends them: SigV4 for service `guardduty` over the
/// exact path, query and body; GuardDuty's error shape turned into `AgentError.api`.
public final class GuardpostClient: Sendable {
    let base: URL
    let authority: String
    let basePath: String
    let configuration: AWSConfiguration
    let http: HTTPClient

    /// `caBundle`: PEM file of the certificate authorities to trust for an https endpoint instead of the system's
    /// (`--ca-bundle`, or AWS_CA_BUNDLE as the AWS tools read it). Certificates are always verified.
    public init(endpointURL: String, configuration: AWSConfiguration, caBundle: String? = nil, http: HTTPClient? = nil) throws {
        guard let url = URL(string: endpointURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = url.host
        else {
            throw AgentError.configuration("--endpoint-url must be an http(s) URL such as https://admin.example:8443, not '\(endpointURL)'")
        }
        let bundle = caBundle ?? ProcessInfo.processInfo.environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
        if let bundle {
            guard FileManager.default.isReadableFile(atPath: bundle), (try? NIOSSLCertificate.fromPEMFile(bundle))?.isEmpty == false else {
                throw AgentError.configuration("the CA bundle \(bundle) is not a readable PEM file of certificates")
            }
        }
        self.base = url
        let defaultPort = scheme == "https" ? 443 : 80
        self.authority = url.port.map { $0 == defaultPort ? host : "\(host):\($0)" } ?? host
        self.basePath = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        self.configuration = configuration
        self.http = http ?? (scheme == "https" ? Self.tlsClient(caBundle: bundle) : .shared)
    }

    /// One client per trust store for the process (clients live as long as the process does).
    private static let tlsClients = NIOLockedValueBox([String: HTTPClient]())

    /// An HTTP client that speaks TLS 1.2+ and verifies the server against `caBundle` or the system store.
    static func tlsClient(caBundle: String?) -> HTTPClient {
        tlsClients.withLockedValue { clients in
            let key = caBundle ?? ""
            if let existing = clients[key] { return existing }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.minimumTLSVersion = .tlsv12
            tls.certificateVerification = .fullVerification
            if let caBundle { tls.trustRoots = .file(caBundle) }
            var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
            configuration.httpVersion = .automatic
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = client
            return client
        }
    }

    /// A transport failure in words a person can act on: certificate problems say so.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if error is NIOSSLError || text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("handshakeFailed") || text.contains("NIOSSL") {
            return
                "TLS failed: the server's certificate could not be verified or the handshake was refused (\(text)); check --endpoint-url's host name, the server's certificate and --ca-bundle/AWS_CA_BUNDLE"
        }
        return text
    }

    public var region: String { self.configuration.region }
    /// The credentials and region the client signs with (what `run` hands to the agent).
    public var configurationForAgent: AWSConfiguration { self.configuration }

    /// Sends one request; `path` is already percent-encoded. Non-2xx answers other than 304 throw `AgentError.api`.
    public func send(
        _ method: String, _ path: String, query: String = "", body: [UInt8] = [], headers extra: [(String, String)] = [],
        timeout: TimeAmount = .seconds(30)
    ) async throws -> (status: Int, headers: HTTPHeaders, body: [UInt8]) {
        let rawPath = self.basePath + path
        var headers: [(name: String, value: String)] = [(name: "host", value: self.authority)]
        if !body.isEmpty { headers.append((name: "content-type", value: "application/json")) }
        for (name, value) in extra { headers.append((name: name, value: value)) }
        var signed = SigV4Request(method: method, rawPath: rawPath, rawQuery: query, headers: headers, body: body)
        SigV4Signer(credentials: self.configuration.credentials, region: self.configuration.region)
            .sign(&signed, timestamp: SigV4Time.format(Int64(Date().timeIntervalSince1970)))
        var request = HTTPClientRequest(url: "\(self.base.scheme!)://\(self.authority)\(rawPath)\(query.isEmpty ? "" : "?" + query)")
        request.method = HTTPMethod(rawValue: method)
        for header in signed.headers where header.name != "host" {
            request.headers.add(name: header.name, value: header.value)
        }
        request.headers.add(name: "user-agent", value: "guardpost-agent/\(AgentRuntime.version)")
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await self.http.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw AgentError.transport("\(method) \(path): \(Self.describe(error))")
        }
        let status = Int(response.status.code)
        let data = Array(bytes.readableBytesView)
        guard (200..<300).contains(status) || status == 304 else {
            let object = (try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any]
            let type = response.headers.first(name: "x-amzn-ErrorType") ?? (object?["__type"] as? String) ?? "HTTP\(status)"
            throw AgentError.api(
                status: status, type: type, message: (object?["message"] as? String) ?? String(decoding: data.prefix(300), as: UTF8.self))
        }
        return (status, response.headers, data)
    }

    /// A JSON request and a decoded JSON answer.
    public func json<Output: Decodable>(
        _ method: String, _ path: String, query: String = "", body: (some Encodable)? = nil as String?, as type: Output.Type
    ) async throws -> Output {
        let payload = try body.map { Array(try JSONEncoder().encode($0)) } ?? []
        let response = try await self.send(method, path, query: query, body: payload)
        return try JSONDecoder().decode(Output.self, from: Data(response.body.isEmpty ? Array("{}".utf8) : response.body))
    }
}
