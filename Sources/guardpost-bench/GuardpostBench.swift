import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SigV4

/// `guardpost-bench`: the project's benchmark harness. `http` (the default) drives an API server; `lists`
/// measures the list parsers and matchers.
@main
struct GuardpostBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardpost-bench",
        abstract:
            "Benchmarks: signed API load (http, the default), list parsing/matching (lists), the agent channel (push, ingest, heartbeats) and findings queries.",
        subcommands: [
            HTTPLoad.self, ListsBenchmark.self, PushBenchmark.self, IngestBenchmark.self, HeartbeatBenchmark.self, FindingsQueryBenchmark.self,
            PrecisionBenchmark.self, GeoBenchmark.self, ListFetchBenchmark.self, KubernetesAuditBenchmark.self,
        ],
        defaultSubcommand: HTTPLoad.self
    )
}
