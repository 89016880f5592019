// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for every parser of untrusted bytes in Guardpost. Build and run them with `scripts/fuzz.sh`
/// (debug, `-sanitize=fuzzer,address`, `-parse-as-library`): each target is an executable that defines
/// `LLVMFuzzerTestOneInput` and links libFuzzer's `main`.
let targets: [(name: String, dependencies: [Target.Dependency])] = [
    ("flowlog", [.product(name: "Detection", package: "guardpost"), .product(name: "ThreatLists", package: "guardpost")]),
    ("cloudtrail-scanner", [.product(name: "Detection", package: "guardpost")]),
    ("cloudtrail-json", [.product(name: "Detection", package: "guardpost")]),
    ("dns", [.product(name: "Detection", package: "guardpost")]),
    ("gzip", [.product(name: "Detection", package: "guardpost"), "CZlibFuzz"]),
    ("list-txt", [.product(name: "ThreatLists", package: "guardpost")]),
    ("aws-ip-ranges", [.product(name: "Detection", package: "guardpost"), .product(name: "ThreatLists", package: "guardpost")]),
    ("list-stix", [.product(name: "ThreatLists", package: "guardpost")]),
    ("list-otx-csv", [.product(name: "ThreatLists", package: "guardpost")]),
    ("list-alien-vault", [.product(name: "ThreatLists", package: "guardpost")]),
    ("list-proof-point", [.product(name: "ThreatLists", package: "guardpost")]),
    ("list-fire-eye", [.product(name: "ThreatLists", package: "guardpost")]),
    ("sigv4", [.product(name: "SigV4", package: "guardpost")]),
    ("criteria", [.product(name: "GuardDutyModel", package: "guardpost")]),
    ("agent-channel", [.product(name: "GuardDutyModel", package: "guardpost")]),
    ("console-form", [.product(name: "SigV4", package: "guardpost")]),
    ("mmdb", [.product(name: "ThreatLists", package: "guardpost")]),
    ("k8s-audit", [.product(name: "Detection", package: "guardpost")]),
]

let package = Package(
    name: "guardpost-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "guardpost", path: "..")],
    targets: [
        /// zlib, to gzip inputs for the round-trip check of the gzip target.
        .systemLibrary(name: "CZlibFuzz", path: "Sources/CZlibFuzz"),
        /// What several targets share: reading structured values out of the fuzzer's bytes, the list checks.
        .target(name: "FuzzSupport", dependencies: [.product(name: "ThreatLists", package: "guardpost")], path: "Sources/FuzzSupport"),
    ] + targets.map { .executableTarget(name: $0.name, dependencies: $0.dependencies + ["FuzzSupport"], path: "Sources/\($0.name)") }
)
