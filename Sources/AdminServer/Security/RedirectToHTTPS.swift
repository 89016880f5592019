import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// Answers every request with a redirect to the same path and query over https.
struct RedirectToHTTPS<Context: RequestContext>: RouterMiddleware {
    let tlsPort: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority ?? "localhost"
        // The host part of the authority, IPv6 brackets kept; a port is replaced by the TLS one.
        let host: Substring
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            host = authority[...end]
        } else {
            host = authority.split(separator: ":", maxSplits: 1).first ?? "localhost"
        }
        let safeHost =
            host.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "/" && $0 != "@" && $0 != "\\" } ? host : "localhost"
        let port = self.tlsPort == 443 ? "" : ":\(self.tlsPort)"
        let query = request.uri.query.map { "?" + $0 } ?? ""
        var headers = HTTPFields()
        headers[.location] = "https://\(safeHost)\(port)\(request.uri.path)\(query)"
        return Response(status: .permanentRedirect, headers: headers)
    }
}
