import Foundation
import GuardDutyModel
import Logging
import ServiceLifecycle

/// Keeps the agent on the administrator's configuration: starts from the one saved in the state directory, then
/// long-polls for each new version, fetches its lists by hash (verified), saves it, and offers it to detection, which
/// swaps it in between two polls of the sources. Transient failures are retried with backoff (up to 30 s).
struct ConfigurationSync: Service {
    let channel: any AgentChannel
    let detectorId: String
    let stateDirectory: String
    let lists: ListCache
    let state: AgentState
    let logger: Logger

    /// The configuration saved by the last sync, if any.
    static func saved(stateDirectory: String) -> AgentConfig? {
        guard let data = FileManager.default.contents(atPath: "\(stateDirectory)/config.json") else { return nil }
        return try? JSONDecoder().decode(AgentConfig.self, from: data)
    }

    /// Runs until graceful shutdown or cancellation (a long-poll in flight is cancelled).
    func run() async {
        await cancelWhenGracefulShutdown { await self.sync() }
    }

    private func sync() async {
        var known: Int? = nil
        if let saved = Self.saved(stateDirectory: self.stateDirectory), saved.detectorId == self.detectorId,
            let intelligence = try? self.lists.intelligence(for: saved)
        {
            self.state.offer(saved, intelligence)
            known = saved.version
        }
        var delay = 1.0
        while !Task.isCancelled {
            do {
                let body = try await self.channel.fetchConfiguration(detectorId: self.detectorId, knownVersion: known)
                delay = 1
                guard let body else { continue }
                known = try await self.apply(body)
            } catch {
                if Task.isCancelled { return }
                self.logger.warning("configuration sync failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)s"])
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 30)
            }
        }
    }

    /// Loads a new configuration's lists, saves it, and offers it to detection; returns its version.
    private func apply(_ body: [UInt8]) async throws -> Int {
        let config = try JSONDecoder().decode(AgentConfig.self, from: Data(body))
        let intelligence = try await self.lists.load(for: config, from: self.channel)
        try DurableFile.write(body, to: "\(self.stateDirectory)/config.json")
        self.state.offer(config, intelligence)
        self.logger.info(
            "configuration applied",
            metadata: [
                "version": "\(config.version)", "frequency": "\(config.findingPublishingFrequency)",
                "lists": "\(config.lists.count)", "feeds": "\(config.feeds?.count ?? 0)", "administrator": "\(config.administratorId ?? "none")",
                "s3DataEvents": "\(config.features["S3_DATA_EVENTS"] ?? "DISABLED")",
                "eksAuditLogs": "\(config.features["EKS_AUDIT_LOGS"] ?? "DISABLED")",
            ]
        )
        return config.version
    }
}
