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

/// The server's certificate and key (PEM files), re-read on SIGHUP. Every TLS handshake asks for the current pair,
/// so a reload applies to new connections while the open ones (long-polls included) carry on.
public final class ServerTLS: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let current: NIOLockedValueBox<(chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)>

    /// Reads the pair; throws a message naming the file that is missing or not PEM.
    public init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.current = NIOLockedValueBox(try Self.read(certificatePath: certificatePath, keyPath: keyPath))
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    static func read(certificatePath: String, keyPath: String) throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw LoadError(description: "cannot read the TLS certificate chain \(certificatePath) (PEM): \(error)")
        }
        guard !chain.isEmpty else { throw LoadError(description: "\(certificatePath) holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw LoadError(description: "cannot read the TLS private key \(keyPath) (PEM): \(error)")
        }
        // The pair must match: a context built from it fails otherwise.
        var check = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        check.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: check)
        } catch {
            throw LoadError(description: "the TLS certificate \(certificatePath) and key \(keyPath) do not go together: \(error)")
        }
        return (chain, key)
    }

    /// Re-reads both files; on any problem the pair in force stays and the error is thrown.
    public func reload() throws {
        let pair = try Self.read(certificatePath: self.certificatePath, keyPath: self.keyPath)
        self.current.withLockedValue { $0 = pair }
    }

    /// The leaf certificate's expiry, for the log.
    public var notAfter: Date? {
        let leaf = self.current.withLockedValue { $0.chain.first }
        return leaf.map { Date(timeIntervalSince1970: TimeInterval($0.notValidAfter)) }
    }

    /// TLS 1.2 or newer, HTTP/2 and HTTP/1.1 by ALPN, the current pair asked for at every handshake.
    public func configuration() -> TLSConfiguration {
        let pair = self.current.withLockedValue { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) }, privateKey: .privateKey(pair.key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = { [current = self.current] _, promise in
            let pair = current.withLockedValue { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
        return configuration
    }

    /// Hummingbird's HTTP/2-with-HTTP/1.1-fallback server over this TLS, with the connection limits.
    func server(limits: ConnectionLimits, gate: ConnectionGate) throws -> HTTPServerBuilder {
        // An idle HTTP/2 connection is sent GOAWAY after the head timeout, and closed if the client does not finish
        // within the same time again (without a graceful-close limit a silent client would keep it for good).
        let configuration = HTTP2UpgradeChannel.Configuration(
            idleTimeout: limits.headTimeout, gracefulCloseTimeout: limits.headTimeout, streamConfiguration: limits.http1Configuration()
        )
        let tls = self.configuration()
        return HTTPServerBuilder { responder in
            GuardedChildChannel(base: try HTTP2UpgradeChannel(tlsConfiguration: tls, configuration: configuration, responder: responder), gate: gate)
        }
    }
}

/// `--http-redirect-port`: a plain-HTTP listener that only redirects to the TLS port (308 keeps the method and body).
func httpRedirectApplication(host: String, port: Int, tlsPort: Int, limits: ConnectionLimits, gate: ConnectionGate, logger: Logger) -> some Service {
    let router = Router()
    router.addMiddleware {
        RedirectToHTTPS(tlsPort: tlsPort)
    }
    return Application(
        router: router,
        server: limits.http1Server(logger: logger, gate: gate),
        configuration: .init(address: .hostname(host, port: port), serverName: "guardpost-admin-redirect"),
        logger: logger
    )
}
