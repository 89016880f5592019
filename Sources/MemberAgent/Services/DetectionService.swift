import Foundation
import Logging
import ServiceLifecycle

/// Follows the log sources through the pipeline every poll interval (within a second by default, as GuardDuty
/// batches new findings), writes findings to the outbox and checkpoints. On graceful shutdown or cancellation it
/// finishes the poll under way and checkpoints before returning; a fatal error (the state directory cannot be
/// written) ends the agent.
struct DetectionService: Service {
    let options: AgentOptions
    let detectorId: String
    let region: String
    let builtIn: BuiltInIntelligence
    let outbox: Outbox
    let state: AgentState
    let logger: Logger

    func run() async throws {
        let loop = try DetectionLoop(
            options: self.options, detectorId: self.detectorId, region: self.region, builtIn: self.builtIn, outbox: self.outbox, state: self.state,
            logger: self.logger
        )
        let interval = self.options.pollInterval
        while !(Task.isCancelled || Task.isShuttingDownGracefully) {
            try await loop.poll()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        // With a window still open the last quiet checkpoint stays: the next start replays that window's records.
        try loop.checkpointIfQuiet(now: Date().timeIntervalSince1970)
        self.logger.info("detection stopped; checkpoint saved")
    }
}
