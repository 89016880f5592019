import Foundation
import NIOHTTP1
import SigV4

/// Signs an agent's GET request head with its member's keys (SigV4, as the agent's client does).
struct AgentRequestSigner {
    let signer: SigV4Signer
    let host: String

    init(keys: AccountKeys, region: String, host: String) {
        self.signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey), region: region)
        self.host = host
    }

    func get(_ path: String, query: String) -> HTTPRequestHead {
        var request = SigV4Request(method: "GET", rawPath: path, rawQuery: query, headers: [(name: "host", value: self.host)])
        self.signer.sign(&request, timestamp: SigV4Time.format(Int64(Date().timeIntervalSince1970)))
        var headers = HTTPHeaders()
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        headers.add(name: "content-length", value: "0")
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: "\(path)?\(query)", headers: headers)
    }
}
