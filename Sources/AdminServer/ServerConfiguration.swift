import AsyncHTTPClient
import Crypto
import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SigV4
import ThreatLists

/// How the server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Seconds an access key or the region list is trusted from memory when no NOTIFY arrives.
    public var credentialCacheSeconds: Double
    /// Where list files may be fetched from (its S3 endpoint is also where publishing destinations are written).
    public var listSources: ListSources
    /// Seconds between two runs of the S3 export of findings.
    public var exportIntervalSeconds: Double
    /// Where the server may connect on an account's behalf (list files, webhooks): `--allow-fetch-from`.
    public var outbound: OutboundPolicy
    /// Deadline and minimum rate of a list fetch (`--fetch-timeout-seconds`, `--fetch-min-bytes-per-second`).
    public var fetchDeadline: Duration
    public var fetchMinBytesPerSecond: Int
    /// List activations run at once (one per account at a time): `--activation-workers`.
    public var activationWorkers: Int
    /// Slow clients and connections per address: `--request-head-timeout`, `--request-body-timeout`,
    /// `--max-connections-per-address`.
    public var connectionLimits: ConnectionLimits
    /// Agents one account may register per region: `--max-agents-per-account`.
    public var maxAgentsPerAccount: Int
    /// Where `/metrics` is served (a listener of its own, loopback by default); nil: not served.
    public var metricsHost: String
    public var metricsPort: Int?
    /// Absolute lifetime of a console session: `--console-session-hours`.
    public var consoleSessionHours: Double
    /// TLS (`--tls-certificate`, `--tls-key`): HTTP/2 and HTTP/1.1 over TLS 1.2+, `Secure` cookies, HSTS. nil: plain HTTP.
    public var tls: ServerTLS?
    /// With TLS, a plain-HTTP port that only redirects to it (`--http-redirect-port`).
    public var httpRedirectPort: Int?
    /// Fetch the managed intelligence feeds on their schedule (`serve --no-intel-fetch` turns it off on air-gapped
    /// installs, whose feeds are imported).
    public var intelFetch = true
    /// GuardDuty's prices that GetUsageStatistics and the console's Usage page apply (`--price-table`).
    public var priceTable: PriceTable = .bundled
    /// The operator's geolocation databases (`--geoip-city`, `--geoip-asn`): ingest places the remote addresses of
    /// agents' findings that arrive without a place. nil: findings are stored as they come.
    public var geo: FindingEnricher?
    /// How long a request's database work may take before it is answered 500 (`DatabaseDeadline`); tests shorten it.
    public var databaseDeadline: Duration = DatabaseDeadline.limit

    public init(
        host: String = "127.0.0.1", port: Int = 8080, credentialCacheSeconds: Double = 5, listSources: ListSources = ListSources(),
        exportIntervalSeconds: Double = 30, outbound: OutboundPolicy = OutboundPolicy(), fetchDeadline: Duration = .seconds(120),
        fetchMinBytesPerSecond: Int = 1024, activationWorkers: Int = 4, connectionLimits: ConnectionLimits = ConnectionLimits(),
        maxAgentsPerAccount: Int = 1000, metricsHost: String = "127.0.0.1", metricsPort: Int? = nil, consoleSessionHours: Double = 12
    ) {
        self.host = host
        self.port = port
        self.credentialCacheSeconds = credentialCacheSeconds
        self.listSources = listSources
        self.exportIntervalSeconds = exportIntervalSeconds
        self.outbound = outbound
        self.fetchDeadline = fetchDeadline
        self.fetchMinBytesPerSecond = fetchMinBytesPerSecond
        self.activationWorkers = activationWorkers
        self.connectionLimits = connectionLimits
        self.maxAgentsPerAccount = maxAgentsPerAccount
        self.metricsHost = metricsHost
        self.metricsPort = metricsPort
        self.consoleSessionHours = consoleSessionHours
        self.tls = nil
        self.httpRedirectPort = nil
    }

    /// Opens the operator's geolocation databases (none given: none used); throws naming a file that cannot be read.
    public mutating func useGeolocation(cityPath: String?, asnPath: String?) throws {
        self.geo = try FindingEnricher.open(cityPath: cityPath, asnPath: asnPath)
    }
}

extension ServerConfiguration {
    /// Prices usage with the table in `file` (`--price-table`); throws what is wrong with it (`PriceTable.Invalid`).
    public mutating func loadPriceTable(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PriceTable.Invalid(description: "cannot read the file")
        }
        self.priceTable = try PriceTable.parse(data)
    }
}
