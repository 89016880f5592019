import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SigV4

/// One request to an AWS service (S3, SQS, STS) or a compatible store, signed with SigV4 when it is sent: the exact
/// path and query as they go on the wire, so what is signed is what is sent.
struct AWSRequest: Sendable {
    var method: String = "GET"
    /// `http` or `https`.
    var scheme: String
    /// `host[:port]`, as the Host header.
    var authority: String
    /// Percent-encoded, starting with `/`.
    var rawPath: String
    var rawQuery: String = ""
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    /// The request for `url` (an endpoint or a queue URL) with `path` appended to its own.
    init(url: String, path: String = "", query: [(String, String)] = []) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = components.host, !host.isEmpty
        else {
            throw S3RequestError(status: 0, code: "InvalidEndpoint", message: "'\(url)' is not an http(s) URL", retryable: false)
        }
        self.scheme = scheme
        let defaultPort = scheme == "https" ? 443 : 80
        self.authority = components.port.map { $0 == defaultPort ? host : "\(host):\($0)" } ?? host
        let base = components.percentEncodedPath.hasSuffix("/") ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        self.rawPath = base + path
        if self.rawPath.isEmpty { self.rawPath = "/" }
        self.rawQuery = query.map { "\(SigV4Encoding.percentEncode($0.0))=\(SigV4Encoding.percentEncode($0.1))" }.joined(separator: "&")
    }

    var url: String { "\(self.scheme)://\(self.authority)\(self.rawPath)\(self.rawQuery.isEmpty ? "" : "?" + self.rawQuery)" }

    /// Signs for `service` in `region` and sends; the answer's head, with its body still to be read.
    func send(_ http: HTTPClient, service: String, region: String, credentials: SigV4Credentials, timeout: TimeAmount) async throws
        -> HTTPClientResponse
    {
        var signing = SigV4Request(
            method: self.method, rawPath: self.rawPath, rawQuery: self.rawQuery,
            headers: [(name: "host", value: self.authority)] + self.headers.map { (name: $0.0, value: $0.1) }
                + (service == "s3" ? [(name: "x-amz-content-sha256", value: SigV4Encoding.sha256Hex(self.body))] : []),
            body: self.body
        )
        SigV4Signer(credentials: credentials, region: region, service: service).sign(
            &signing, timestamp: SigV4Time.format(Int64(Date().timeIntervalSince1970)))
        var request = HTTPClientRequest(url: self.url)
        request.method = HTTPMethod(rawValue: self.method)
        for header in signing.headers where header.name != "host" { request.headers.add(name: header.name, value: header.value) }
        if !self.body.isEmpty { request.body = .bytes(ByteBuffer(bytes: self.body)) }
        do {
            return try await http.execute(request, timeout: timeout)
        } catch {
            throw S3RequestError(status: 0, code: "Unreachable", message: "\(self.authority): \(error)", retryable: true)
        }
    }
}

/// A failed request to the log bucket, its queue or STS: the service's error code and message (S3's XML, SQS's
/// JSON), and whether trying again may succeed (throttling, 5xx, the network).
public struct S3RequestError: Error, CustomStringConvertible, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var retryable: Bool

    public var description: String {
        let status = self.status > 0 ? " (HTTP \(self.status))" : ""
        return self.message.isEmpty ? "\(self.code)\(status)" : "\(self.code)\(status): \(self.message)"
    }

    /// The error an answer stands for, from its status and its (XML or JSON) body.
    static func from(status: Int, body: [UInt8], what: String, region: String? = nil) -> S3RequestError {
        var code = ""
        var message = ""
        if body.first == UInt8(ascii: "{"), let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            code = ((object["__type"] as? String) ?? (object["code"] as? String) ?? "").split(separator: "#").last.map(String.init) ?? ""
            message = (object["message"] as? String) ?? (object["Message"] as? String) ?? ""
        } else {
            let xml = XMLElements(body)
            code = xml.first("Code") ?? ""
            message = xml.first("Message") ?? ""
        }
        if code.isEmpty {
            code = status == 404 ? "NotFound" : status == 403 ? "AccessDenied" : status == 503 ? "ServiceUnavailable" : "HTTP\(status)"
        }
        let throttled = ["SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "RequestThrottled", "TooManyRequestsException"]
        let retryable = status >= 500 || status == 429 || throttled.contains(code) || code == "RequestTimeout" || code == "ExpiredToken"
        // Never more than a line of what a peer said.
        func printable(_ text: String, _ length: Int) -> String {
            String(text.unicodeScalars.filter { $0.value >= 32 && $0.value < 127 }.prefix(length))
        }
        var words = "\(what): \(printable(message, 200))"
        if status == 301 || code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" {
            let place = region.map { "region \(printable($0, 30))" } ?? XMLElements(body).first("Endpoint").map { "endpoint \(printable($0, 100))" }
            words += " (the bucket is in another region\(place.map { ", " + $0 } ?? ""): pass --s3-region)"
        }
        return S3RequestError(status: status, code: printable(code, 64), message: words, retryable: retryable)
    }
}

/// Tries an operation again after retryable failures, waiting longer each time (with jitter), as AWS's SDKs do; a
/// peer that cannot be reached at all is tried twice, so its issue shows within seconds.
enum Retrying {
    static func run<T>(attempts: Int = 5, baseDelay: Double = 0.2, _ operation: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await operation()
            } catch let error as S3RequestError where error.retryable && attempt + 1 < (error.status == 0 ? min(attempts, 2) : attempts) {
                attempt += 1
                let delay = min(baseDelay * pow(2, Double(attempt - 1)), 5) * Double.random(in: 0.5...1.0)
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }
}
