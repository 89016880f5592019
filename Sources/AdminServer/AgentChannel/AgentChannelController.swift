import Foundation
import GuardDutyModel
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import ThreatLists

/// The agent channel under `/agent/v1` (SigV4 with the account's keys, like the API):
/// - `GET /agent/v1/config?detectorId=ID&version=N[&wait=SECONDS]` answers the effective configuration as soon as
///   its version is past N, else 304 after `wait` seconds (default 30, at most 60; up to 250 ms later, as the board
///   answers expired polls in one sweep). A change committed by any
///   replica wakes the agents of the detectors it concerns at once (`ConfigVersionBoard`); the agents of one account
///   share one read of it (`ResponseCache`), so a change to 10,000 agents costs a read per member, not per agent.
/// - `GET /agent/v1/lists/{sha256}` answers the normalised content of a list in force for the caller, with the
///   hash as ETag (immutable, cacheable), from one copy in memory (`ListContentCache`).
/// - `POST /agent/v1/findings` stores a batch (`AgentFindingBatch`) of the caller's findings: an idempotent upsert
///   that only moves findings forward; 200 with what it did means the whole batch is durable. With the operator's
///   geolocation databases, remote addresses the agent did not place are placed first (one up-to-date database at the
///   administrator covers every agent; an agent's own database still works offline).
/// - `POST /agent/v1/heartbeat` records the agent (`AgentHeartbeat`) for coverage and usage.
struct AgentChannelController: APIController {
    let store: any AgentChannelStore
    let findings: any FindingStore
    let configVersions: ConfigVersionBoard
    /// Encoded configurations per detector, retired by every change.
    let configs: ResponseCache<String, AgentConfigAnswer>
    /// List contents by hash.
    var lists = ListContentCache()
    /// The longest a configuration poll waits: below the server's idle timeout, which would otherwise close the
    /// silent connection first.
    var maxWaitSeconds: Double = 60
    /// Places the findings' remote addresses before they are stored (nil: stored as they come).
    var geo: FindingEnricher?
    /// How long each of its database calls may take (`DatabaseDeadline`): the server's configured deadline.
    var deadline = DatabaseDeadline.limit

    /// Its configuration poll waits up to `maxWaitSeconds`, past the route-wide deadline: each handler bounds its own
    /// reads and writes instead.
    var boundsItsOwnDatabaseWork: Bool { true }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("/agent/v1/config", use: self.configuration)
        group.post("/agent/v1/findings", use: self.ingestFindings)
        group.post("/agent/v1/heartbeat", use: self.heartbeat)
        group.get("/agent/v1/lists/:sha256", use: self.listContent)
    }

    /// The effective configuration once its version is past the agent's, else 304 when the wait is over.
    @Sendable func configuration(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = try AgentConfigQuery(request)
        let deadline = ContinuousClock.now + .milliseconds(Int(min(query.waitSeconds, self.maxWaitSeconds) * 1000))
        while true {
            let epoch = self.configVersions.epoch
            let config = try await self.currentConfiguration(caller: context.caller, detectorId: query.detectorId)
            if config.version > query.knownVersion {
                var response = APIBody.json(bytes: config.body)
                response.headers[.eTag] = "\"\(config.version)\""
                return response
            }
            // Suspended until this detector's version is announced past what was read (or notifications may have
            // been missed), the wait is over, or the server shuts down: then it answers at once instead of holding
            // its shutdown for the rest of the wait.
            var woken = false
            if !Task.isShuttingDownGracefully {
                woken = await self.waitForChange(of: query.detectorId, past: config.version, epoch: epoch, until: deadline)
            }
            if !woken || Task.isShuttingDownGracefully || Task.isCancelled {
                var headers = HTTPFields()
                headers[.eTag] = "\"\(config.version)\""
                return Response(status: .notModified, headers: headers)
            }
        }
    }

    /// The caller's configuration, from the cache unless something changed or a newer version was announced.
    func currentConfiguration(caller: Caller, detectorId: String) async throws -> AgentConfigAnswer {
        let announced = self.configVersions.version(of: detectorId) ?? -1
        let store = self.store
        let read: @Sendable () async throws -> AgentConfigAnswer = {
            let config = try await store.agentConfig(caller: caller, detectorId: detectorId)
            return AgentConfigAnswer(version: config.version, body: try APIBody.encode(config))
        }
        return try await self.configs.body(detectorId, caller: caller, accept: { $0.version >= announced }, read: read)
    }

    /// Whether a change came before `deadline` (false: the wait is over). A graceful shutdown wakes every waiter.
    func waitForChange(of detectorId: String, past version: Int, epoch: UInt64, until deadline: ContinuousClock.Instant) async -> Bool {
        let board = self.configVersions
        return await withGracefulShutdownHandler {
            await board.waitForChange(of: detectorId, past: version, epoch: epoch, until: deadline)
        } onGracefulShutdown: {
            board.invalidate()
        }
    }

    /// A batch of the caller's findings: durable when answered.
    /// The body is read once by `FindingBatchReader`, which checks it and takes what ingest needs of each finding; each
    /// finding's bytes are what is stored. A finding the geolocation databases place is decoded, placed and encoded anew.
    @Sendable func ingestFindings(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try APIBody.bytes(from: context)
        let batch = try FindingBatchReader(body)
        try Validate.detectorId(batch.detectorId)
        var documents = batch.documents.map { String(decoding: body[$0], as: UTF8.self) }
        if let geo = self.geo {
            let decoder = JSONDecoder()
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            for index in batch.findings.indices where batch.findings[index].remoteIP != nil {
                // A finding of a shape `Finding` does not decode is stored as sent, unplaced.
                guard let finding = try? decoder.decode(Finding.self, from: Data(body[batch.documents[index]])) else { continue }
                var placed = finding
                geo.enrich(&placed)
                if placed != finding { documents[index] = String(decoding: try encoder.encode(placed), as: UTF8.self) }
            }
        }
        let (findings, caller, detectorId, headers, stored) = (self.findings, context.caller, batch.detectorId, batch.findings, documents)
        let summary = try await DatabaseDeadline.bounded(within: self.deadline) {
            try await findings.ingest(caller: caller, detectorId: detectorId, findings: headers, documents: stored)
        }
        return try APIBody.json(summary)
    }

    @Sendable func heartbeat(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let heartbeat = try APIBody.decode(AgentHeartbeat.self, from: context)
        try Validate.detectorId(heartbeat.detectorId)
        let (store, caller) = (self.store, context.caller)
        try await DatabaseDeadline.bounded(within: self.deadline) { try await store.heartbeat(caller: caller, heartbeat: heartbeat) }
        return APIBody.empty()
    }

    /// A list's normalised content by its SHA-256, when a list with that content is in force for the caller.
    @Sendable func listContent(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let sha = try context.parameter("sha256")
        guard sha.utf8.count == 64, sha.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw GuardDutyError.badRequest("The request is rejected because '\(sha.prefix(80))' is not a lowercase hex SHA-256.")
        }
        if request.headers[.ifNoneMatch] == "\"\(sha)\"" {
            return Response(status: .notModified)
        }
        let (store, caller, deadline) = (self.store, context.caller, self.deadline)
        guard try await DatabaseDeadline.bounded(within: deadline, { try await store.listInForce(caller: caller, sha256: sha) }),
            let body = try await self.lists.content(
                sha, load: { try await DatabaseDeadline.bounded(within: deadline) { try await store.listContent(sha256: sha) } })
        else {
            throw GuardDutyError.notFound("No list with content \(sha) is in force for the current account.")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.eTag] = "\"\(sha)\""
        headers[.cacheControl] = "private, max-age=31536000, immutable"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
