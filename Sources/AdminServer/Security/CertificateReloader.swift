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

/// Re-reads the server's certificate and key on every SIGHUP; a failed reload is logged and the old pair stays.
struct CertificateReloader: Service {
    let tls: ServerTLS
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                do {
                    try self.tls.reload()
                    self.logger.notice(
                        "TLS certificate reloaded",
                        metadata: ["certificate": "\(self.tls.certificatePath)", "notAfter": "\(self.tls.notAfter.map { "\($0)" } ?? "?")"]
                    )
                } catch {
                    self.logger.error("TLS certificate reload failed; the previous certificate stays in use", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
