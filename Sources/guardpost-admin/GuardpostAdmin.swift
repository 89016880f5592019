import AdminServer
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import Prometheus
import SigV4

/// `guardpost-admin`: the administrator server and its operator commands.
@main
struct GuardpostAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardpost-admin",
        abstract: "Guardpost's administrator server: a GuardDuty-compatible API for a multi-account organisation.",
        subcommands: [Serve.self, Migrate.self, Accounts.self, Regions.self, Webhooks.self, S3Grants.self, Intel.self, Routes.self],
        defaultSubcommand: nil
    )
}

extension GuardpostAdmin {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the administrator server (applies pending migrations first).")

        @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
        @Option(help: "Port to listen on (0 picks a free one).") var port: Int = 8080
        @Option(name: .customLong("credential-cache-seconds"), help: "How long an access key is trusted from memory without a change notification.")
        var credentialCacheSeconds: Double = 5
        @Option(name: .customLong("lists-dir"), help: "Directory that file:// list locations must be inside (file:// is refused without it).")
        var listsDir: String?
        @Option(
            name: .customLong("s3-endpoint-url"),
            help:
                "S3-compatible endpoint for s3:// list locations and S3 publishing destinations (signed with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)."
        )
        var s3EndpointURL: String?
        @Option(name: .customLong("s3-region"), help: "Region to sign S3 requests for.")
        var s3Region: String = ProcessInfo.processInfo.environment["AWS_REGION"] ?? "us-east-1"
        @Option(name: .customLong("export-interval-seconds"), help: "Seconds between two exports of findings to S3 publishing destinations.")
        var exportIntervalSeconds: Double = 30
        @Option(
            name: .customLong("allow-fetch-from"),
            help:
                "A network (CIDR) the server may fetch lists from and deliver webhooks to although it is internal (loopback, private, link-local…); repeatable. Also GUARDPOST_ALLOW_FETCH_FROM (comma-separated)."
        )
        var allowFetchFrom: [String] = []
        @Option(name: .customLong("fetch-timeout-seconds"), help: "Total deadline of one list fetch, redirects included.")
        var fetchTimeoutSeconds: Int = 120
        @Option(name: .customLong("fetch-min-bytes-per-second"), help: "A list fetch slower than this after its first 10 seconds is abandoned.")
        var fetchMinBytesPerSecond: Int = 1024
        @Option(name: .customLong("activation-workers"), help: "List activations run at once (one per account at a time).")
        var activationWorkers: Int = 4
        @Option(
            name: .customLong("request-head-timeout"),
            help: "Seconds a connection has to send a complete request head (also the keep-alive idle timeout).")
        var requestHeadTimeout: Double = 30
        @Option(name: .customLong("request-body-timeout"), help: "Seconds a request body has to arrive completely after its head.")
        var requestBodyTimeout: Double = 60
        @Option(name: .customLong("max-connections-per-address"), help: "Connections one remote address may hold open at once.")
        var maxConnectionsPerAddress: Int = 2048
        @Option(
            name: .customLong("idle-timeout"),
            help: "Seconds a connection may send nothing at all before it is closed (keep it above the agents' 60 s long-poll).")
        var idleTimeout: Double = 120
        @Option(name: .customLong("max-agents-per-account"), help: "Agents one account may register in a region.")
        var maxAgentsPerAccount: Int = 1000
        @Option(
            name: .customLong("metrics-port"), help: "Serve /metrics (Prometheus) on this port of --metrics-host; without it /metrics is not served.")
        var metricsPort: Int?
        @Option(name: .customLong("metrics-host"), help: "Address of the /metrics listener.")
        var metricsHost: String = "127.0.0.1"
        @Option(name: .customLong("console-session-hours"), help: "Absolute lifetime of a console session, however busy.")
        var consoleSessionHours: Double = 12
        @Option(
            name: .customLong("tls-certificate"),
            help:
                "PEM certificate chain (leaf first): serve HTTPS (HTTP/2 and HTTP/1.1, TLS 1.2+). Also GUARDPOST_TLS_CERTIFICATE. Re-read on SIGHUP.")
        var tlsCertificate: String? = ProcessInfo.processInfo.environment["GUARDPOST_TLS_CERTIFICATE"]
        @Option(name: .customLong("tls-key"), help: "PEM private key of the certificate. Also GUARDPOST_TLS_KEY. Re-read on SIGHUP.")
        var tlsKey: String? = ProcessInfo.processInfo.environment["GUARDPOST_TLS_KEY"]
        @Option(
            name: .customLong("http-redirect-port"),
            help: "With TLS: also listen for plain HTTP on this port, answering only with redirects to HTTPS.")
        var httpRedirectPort: Int?
        @Flag(
            name: .customLong("no-intel-fetch"),
            help: "Do not fetch the managed intelligence feeds on their schedule (air-gapped installs: `intel import` their content).")
        var noIntelFetch = false
        @Option(
            name: .customLong("price-table"),
            help: "GuardDuty price table (JSON, as pricing/guardduty-prices.json) that usage is priced with, instead of the bundled one.")
        var priceTable: String?
        @Option(
            name: .customLong("geoip-city"),
            help: "MaxMind DB (.mmdb) city or country database: ingest places findings' remote addresses the agents did not place.")
        var geoipCity: String?
        @Option(name: .customLong("geoip-asn"), help: "MaxMind DB (.mmdb) ASN or ISP database: the owner of findings' remote addresses.")
        var geoipASN: String?
        @Option(
            name: .customLong("read-database-url"),
            help:
                "A hot standby of the database (postgres://…): findings, statistics, coverage and usage reads go to it unless they must see the caller's own recent writes. Also GUARDPOST_READ_DATABASE_URL."
        )
        var readDatabaseURL: String? = ProcessInfo.processInfo.environment["GUARDPOST_READ_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...86_400).contains(self.fetchTimeoutSeconds) else { throw ValidationError("--fetch-timeout-seconds must be from 1 to 86400") }
            guard self.fetchMinBytesPerSecond >= 0 else { throw ValidationError("--fetch-min-bytes-per-second must not be negative") }
            guard (1...64).contains(self.activationWorkers) else { throw ValidationError("--activation-workers must be from 1 to 64") }
            guard (0.1...86_400).contains(self.requestHeadTimeout), (0.1...86_400).contains(self.requestBodyTimeout),
                (0.1...86_400).contains(self.idleTimeout)
            else {
                throw ValidationError("--request-head-timeout, --request-body-timeout and --idle-timeout must be from 0.1 to 86400 seconds")
            }
            guard self.maxConnectionsPerAddress >= 1, self.maxAgentsPerAccount >= 1 else {
                throw ValidationError("--max-connections-per-address and --max-agents-per-account must be at least 1")
            }
            guard (1...87_600).contains(self.consoleSessionHours) else { throw ValidationError("--console-session-hours must be from 1 to 87600") }
            _ = try self.allowedNetworks()
            guard (self.tlsCertificate == nil) == (self.tlsKey == nil) else {
                throw ValidationError("--tls-certificate and --tls-key go together")
            }
            guard self.httpRedirectPort == nil || self.tlsCertificate != nil else {
                throw ValidationError("--http-redirect-port needs --tls-certificate and --tls-key")
            }
            var probe = ServerConfiguration()
            try self.loadPrices(into: &probe)
        }

        /// `--price-table` read and checked into `configuration` (without it, the bundled table stays).
        func loadPrices(into configuration: inout ServerConfiguration) throws {
            guard let path = self.priceTable else { return }
            do {
                try configuration.loadPriceTable(file: path)
            } catch {
                throw ValidationError("--price-table \(path): \(error)")
            }
        }

        /// `--allow-fetch-from` and GUARDPOST_ALLOW_FETCH_FROM as networks.
        func allowedNetworks() throws -> [IPNetwork] {
            try Self.allowedNetworks(self.allowFetchFrom)
        }

        /// Networks named by `--allow-fetch-from` flags and GUARDPOST_ALLOW_FETCH_FROM.
        static func allowedNetworks(_ allowFetchFrom: [String]) throws -> [IPNetwork] {
            let fromEnvironment = (ProcessInfo.processInfo.environment["GUARDPOST_ALLOW_FETCH_FROM"] ?? "")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return try (allowFetchFrom + fromEnvironment).map { text in
                guard let network = IPNetwork(text) else { throw ValidationError("--allow-fetch-from '\(text)' is not an address or CIDR network") }
                return network
            }
        }

        static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64(seconds * 1000)) }

        func run() async throws {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = Logger.Level(rawValue: self.database.logLevel) ?? .info
                return handler
            }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let logger = self.database.logger("guardpost-admin")
            let opened = try await OpenedDatabase.open(self.database.location, logger: logger)
            defer { opened.close() }
            let secrets = SecretBox(key: try SecretBox.loadKey(explicit: self.database.serverKey, dataDir: self.database.dataDir))
            let client = PostgresClient(configuration: opened.configuration, backgroundLogger: logger)
            let reads = try self.readDatabaseURL.map { url in
                ReadRouting(
                    standby: PostgresClient(configuration: try DatabaseLocation.configuration(url: url), backgroundLogger: logger), logger: logger)
            }
            let host = self.host
            let tls = try self.tlsCertificate.map { certificate in try ServerTLS(certificatePath: certificate, keyPath: self.tlsKey ?? "") }
            if let tls {
                logger.info(
                    "serving HTTPS", metadata: ["certificate": "\(tls.certificatePath)", "notAfter": "\(tls.notAfter.map { "\($0)" } ?? "?")"])
            } else if !Self.isLoopback(host) {
                logger.warning(
                    "PLAIN HTTP ON A NON-LOOPBACK ADDRESS: requests, findings and console secrets cross the network unencrypted; put a TLS proxy in front",
                    metadata: ["host": "\(host)"]
                )
            }
            var configuration = ServerConfiguration(
                host: self.host, port: self.port, credentialCacheSeconds: self.credentialCacheSeconds,
                listSources: ListSources(
                    listsDirectory: self.listsDir, s3Endpoint: self.s3EndpointURL, s3Region: self.s3Region,
                    s3Credentials: Self.environmentCredentials()
                ),
                exportIntervalSeconds: self.exportIntervalSeconds,
                outbound: OutboundPolicy(allowed: try self.allowedNetworks()),
                fetchDeadline: .seconds(self.fetchTimeoutSeconds), fetchMinBytesPerSecond: self.fetchMinBytesPerSecond,
                activationWorkers: self.activationWorkers,
                connectionLimits: ConnectionLimits(
                    headTimeout: Self.duration(self.requestHeadTimeout), bodyTimeout: Self.duration(self.requestBodyTimeout),
                    maxConnectionsPerAddress: self.maxConnectionsPerAddress, idleTimeout: Self.duration(self.idleTimeout)
                ),
                maxAgentsPerAccount: self.maxAgentsPerAccount, metricsHost: self.metricsHost, metricsPort: self.metricsPort,
                consoleSessionHours: self.consoleSessionHours
            )
            configuration.tls = tls
            configuration.httpRedirectPort = self.httpRedirectPort
            configuration.intelFetch = !self.noIntelFetch
            try self.loadPrices(into: &configuration)
            logger.info(
                "pricing usage",
                metadata: ["priceTable": "\(self.priceTable ?? "bundled")", "effectiveDate": "\(configuration.priceTable.effectiveDate)"])
            try configuration.useGeolocation(cityPath: self.geoipCity, asnPath: self.geoipASN)
            let scheme = tls == nil ? "http" : "https"
            let app = try await buildApplication(
                configuration: configuration,
                dependencies: ServerDependencies(
                    client: client, secrets: secrets, registry: registry, logger: logger,
                    onListening: { port in
                        FileHandle.standardOutput.write(Data("guardpost-admin listening on \(scheme)://\(host):\(port)\n".utf8))
                    },
                    reads: reads
                )
            )
            try await runServer(app, logger: logger)
        }

        static func isLoopback(_ host: String) -> Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }

        /// The server's own credentials for S3, as AWS tools read them from the environment.
        static func environmentCredentials() -> SigV4Credentials? {
            let environment = ProcessInfo.processInfo.environment
            guard let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else { return nil }
            return SigV4Credentials(accessKeyId: id, secretAccessKey: secret)
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations and exit.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await self.database.withDatabase { client, _, logger in
                let applied = try await Migrator(logger: logger).migrate(client: client)
                print(applied.isEmpty ? "database is up to date" : "applied: \(applied.joined(separator: ", "))")
            }
        }
    }
}
