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
        self.signer.bodylessHead(method: "GET", path: path, query: query, host: self.host, second: Int64(Date().timeIntervalSince1970))
    }
}
