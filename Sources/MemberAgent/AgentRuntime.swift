import Crypto
import Foundation
import GuardDutyModel
import Logging
import ServiceLifecycle

/// The member agent: finds its detector, then runs its services under one `ServiceGroup` — configuration sync, the
/// publisher, heartbeats and detection — until graceful shutdown.
///
/// The runtime is itself a `Service`: the executable runs it in a group that turns SIGTERM/SIGINT into a graceful
/// shutdown, which reaches the inner group. Services shut down in reverse order: detection first (it finishes its
/// poll, writes what it found to the outbox and checkpoints), then heartbeats, the publisher (which keeps delivering
/// meanwhile; what is left waits in the outbox) and the configuration sync. Cancellation ends them all at once, with
/// detection still checkpointing on its way out.
public final class AgentRuntime: Service {
    public static let version = "0.4.0"

    let options: AgentOptions
    let logger: Logger
    let channel: any AgentChannel
    let outbox: Outbox
    let state = AgentState()
    let lists: ListCache
    public let agentId: String

    /// The runtime with its channel to the server: `GuardpostClient` for `--endpoint-url`, or what a test passes.
    public init(options: AgentOptions, logger: Logger, channel: (any AgentChannel)? = nil) throws {
        self.options = options
        self.logger = logger
        self.channel = try channel ?? GuardpostClient(endpointURL: options.endpointURL, configuration: options.aws, caBundle: options.caBundle)
        try FileManager.default.createDirectory(atPath: "\(options.stateDirectory)/lists", withIntermediateDirectories: true)
        self.outbox = try Outbox(directory: "\(options.stateDirectory)/outbox")
        let builtIn = BuiltInIntelligence(directory: options.intelDirectory, geo: options.geo)
        for warning in builtIn.warnings { logger.warning("built-in intelligence: \(warning)") }
        self.lists = ListCache(directory: "\(options.stateDirectory)/lists", builtIn: builtIn)
        self.agentId = try Self.agentId(stateDirectory: options.stateDirectory, aws: options.aws)
    }

    /// The agent's id: kept in the state directory; derived from the host's machine id, the state directory and the
    /// account, so a re-install on the same host with the same state path is the same agent.
    static func agentId(stateDirectory: String, aws: AWSConfiguration) throws -> String {
        let file = "\(stateDirectory)/agent-id"
        if let stored = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !stored.isEmpty {
            return stored
        }
        let machine =
            (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? UUID().uuidString
        let path = URL(fileURLWithPath: stateDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        let digest = SHA256.hash(data: Array("\(machine)|\(path)|\(aws.credentials.accessKeyId)|\(aws.region)".utf8))
        let id = "agent-" + digest.prefix(12).map { String(format: "%02x", $0) }.joined()
        try DurableFile.write(Array((id + "\n").utf8), to: file)
        return id
    }

    /// Runs until graceful shutdown or cancellation (or a fatal error of detection, which ends the agent).
    public func run() async throws {
        let discovered: String?
        do {
            discovered = try await cancelWhenGracefulShutdown { try await self.discoverDetector() }
        } catch is CancellationError {
            return
        }
        guard let detectorId = discovered, !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        self.logger.info(
            "agent running", metadata: ["agentId": "\(self.agentId)", "detectorId": "\(detectorId)", "region": "\(self.channel.region)"])
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: self.services(detectorId: detectorId), logger: self.logger)
        )
        try await group.run()
    }

    /// The agent's services, in start order (graceful shutdown runs in reverse: detection stops first).
    func services(detectorId: String) -> [any Service] {
        [
            ConfigurationSync(
                channel: self.channel, detectorId: detectorId, stateDirectory: self.options.stateDirectory, lists: self.lists, state: self.state,
                logger: self.logger
            ),
            Publisher(channel: self.channel, outbox: self.outbox, state: self.state, logger: self.logger),
            Heartbeats(
                channel: self.channel, agentId: self.agentId, detectorId: detectorId, interval: self.options.heartbeatInterval, state: self.state,
                logger: self.logger
            ),
            DetectionService(
                options: self.options, detectorId: detectorId, region: self.channel.region, builtIn: self.lists.builtIn, outbox: self.outbox,
                state: self.state, logger: self.logger
            ),
        ]
    }

    /// The account's detector in the region (ListDetectors), or the one of the last saved configuration when the
    /// administrator cannot be reached; waits, retrying, until one of the two exists. Nil when shut down meanwhile.
    func discoverDetector() async throws -> String? {
        var delay = 1.0
        while !Task.isCancelled {
            do {
                if let id = try await self.channel.detectorIds().first { return id }
                let advice = "accept the administrator's invitation (guardpost-agent invitations accept) or create one"
                self.logger.warning("no detector in \(self.channel.region) yet: \(advice)")
            } catch let error as AgentError {
                // Shut down while asking: not a failure to report.
                if Task.isCancelled { return nil }
                if let saved = ConfigurationSync.saved(stateDirectory: self.options.stateDirectory) {
                    self.logger.warning("administrator unreachable; running with the saved configuration", metadata: ["error": "\(error)"])
                    return saved.detectorId
                }
                guard error.isRetryable else { throw error }
                self.logger.warning("administrator unreachable; retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(delay))
            delay = min(delay * 2, 30)
        }
        return nil
    }

    /// Figures for tests and the operator: findings written to the outbox and batches acknowledged.
    public var counters: (newFindings: Int, deliveredBatches: Int, appliedConfigVersion: Int) {
        self.state.counters
    }
}
