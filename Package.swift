// swift-tools-version:6.0
import PackageDescription

/// The per-record modules are single-threaded by design (one engine per pipeline, immutable shared tables), so release
/// builds drop the run-time exclusivity checks there: they were 7 – 8 % of a flow-log scan's profile. Debug builds and
/// the tests keep them.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "guardpost",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "guardpost-admin", targets: ["guardpost-admin"]),
        .executable(name: "guardpost-bench", targets: ["guardpost-bench"]),
        .library(name: "GuardDutyModel", targets: ["GuardDutyModel"]),
        .library(name: "SigV4", targets: ["SigV4"]),
        .library(name: "AdminServer", targets: ["AdminServer"]),
        .library(name: "ThreatLists", targets: ["ThreatLists"]),
        .library(name: "Detection", targets: ["Detection"]),
        .executable(name: "guardpost-agent", targets: ["guardpost-agent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        /// The GuardDuty API's shapes, enums, limits and error values: no HTTP, no SQL.
        .target(
            name: "GuardDutyModel",
            dependencies: []
        ),
        /// AWS Signature Version 4: signing (clients, tests, bench) and verifying (server).
        .target(
            name: "SigV4",
            dependencies: ["GuardDutyModel", .product(name: "Crypto", package: "swift-crypto")]
        ),
        /// List formats (TXT, STIX, OTX_CSV, ALIEN_VAULT, PROOF_POINT, FIRE_EYE) and the IP/domain matchers.
        .target(
            name: "ThreatLists",
            dependencies: ["GuardDutyModel"],
            swiftSettings: hotPath
        ),
        /// zlib, for gzip-compressed logs (Debian's zlib1g-dev).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        /// Log parsers, detection rules, the engine and aggregation of repeated activity into findings.
        .target(
            name: "Detection",
            dependencies: ["GuardDutyModel", "ThreatLists", "CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: hotPath
        ),
        /// The member agent's runtime: configuration sync, log tailing, detection, the durable outbox, heartbeats.
        .target(
            name: "MemberAgent",
            dependencies: [
                "Detection", "ThreatLists", "GuardDutyModel", "SigV4",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// `guardpost-agent`: `run` (the member agent), `invitations list|accept`, and the offline `scan`.
        .executableTarget(
            name: "guardpost-agent",
            dependencies: [
                "MemberAgent", "Detection", "ThreatLists", "GuardDutyModel", "SigV4",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        /// The administrator server: Hummingbird application, API handlers, PostgreSQL stores.
        .target(
            name: "AdminServer",
            dependencies: [
                "GuardDutyModel",
                "SigV4",
                "ThreatLists",
                "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The console's templates are compiled in by scripts/embed-templates.sh (ConsoleTemplates+Embedded.swift).
            exclude: ["Console/Templates"]
        ),
        .executableTarget(
            name: "guardpost-admin",
            dependencies: [
                "AdminServer",
                "SigV4",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        /// A seeded realistic multi-day account (benign traffic, injected attacks, ground truth) and the scoring of a scan.
        .target(name: "PrecisionCorpus", dependencies: ["GuardDutyModel"]),
        /// Load generator for the performance section of the README (signs with the project's SigV4).
        .executableTarget(
            name: "guardpost-bench",
            dependencies: [
                "SigV4",
                "ThreatLists",
                "MemberAgent",
                "GuardDutyModel",
                "Detection",
                "PrecisionCorpus",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "GuardDutyModelTests", dependencies: ["GuardDutyModel"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"]),
        .testTarget(name: "ThreatListsTests", dependencies: ["ThreatLists"]),
        .testTarget(name: "DetectionTests", dependencies: ["Detection", "ThreatLists", "GuardDutyModel"]),
        .testTarget(name: "PrecisionCorpusTests", dependencies: ["PrecisionCorpus", "MemberAgent", "Detection", "GuardDutyModel"]),
        .testTarget(
            name: "MemberAgentTests",
            dependencies: [
                "MemberAgent", "Detection", "GuardDutyModel", "SigV4", "CZlib",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AdminServerTests",
            dependencies: [
                "AdminServer",
                "SigV4",
                "GuardDutyModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
