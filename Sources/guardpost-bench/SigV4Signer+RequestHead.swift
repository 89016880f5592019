import Foundation
import NIOHTTP1
import SigV4

extension SigV4Signer {
    /// A signed head of a request without a body (`content-length: 0`), as the simulated agents and the load
    /// generator send them.
    func bodylessHead(method: String, path: String, query: String, host: String, second: Int64) -> HTTPRequestHead {
        var request = SigV4Request(method: method, rawPath: path, rawQuery: query, headers: [(name: "host", value: host)])
        self.sign(&request, timestamp: SigV4Time.format(second))
        var headers = HTTPHeaders()
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        headers.add(name: "content-length", value: "0")
        return HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: method), uri: query.isEmpty ? path : "\(path)?\(query)", headers: headers)
    }
}
