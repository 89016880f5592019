import Foundation
import GuardDutyModel
import Logging
import ServiceLifecycle

/// Reports the agent every heartbeat interval: its version, the applied configuration version and each source's
/// figures (coverage). Usage is sent as numbered reports: a report is sent again, with its number, until acknowledged
/// (the server counts each number once), and what is analysed meanwhile waits for the next report.
struct Heartbeats: Service {
    let channel: any AgentChannel
    let agentId: String
    let detectorId: String
    let interval: Duration
    let state: AgentState
    let logger: Logger

    /// Runs until graceful shutdown or cancellation.
    func run() async {
        await cancelWhenGracefulShutdown { await self.beat() }
    }

    private func beat() async {
        let hostname = ProcessInfo.processInfo.hostName
        while !Task.isCancelled {
            let (version, sources, sequence) = self.state.heartbeatSnapshot()
            let heartbeat = AgentHeartbeat(
                agentId: self.agentId, detectorId: self.detectorId, hostname: hostname, version: AgentRuntime.version, configVersion: version,
                sources: sources, usageSequence: sequence
            )
            do {
                try await self.channel.send(heartbeat: heartbeat)
                self.state.acknowledgeUsage(sequence)
            } catch {
                if Task.isCancelled { return }
                self.logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: self.interval)
        }
    }
}
