import Foundation
import Logging
import ServiceLifecycle

/// Delivers the outbox to the administrator, oldest batch first; a batch leaves the outbox only when acknowledged, so
/// an outage loses nothing. Transient failures are retried with backoff (up to 30 s); a batch refused as invalid (a
/// non-retryable answer such as a 4xx) is set aside in `outbox/rejected` with the reason, and the next one is sent.
struct Publisher: Service {
    let channel: any AgentChannel
    let outbox: Outbox
    let state: AgentState
    let logger: Logger

    /// Runs until graceful shutdown or cancellation; what is not delivered yet stays in the outbox for the next start.
    func run() async {
        await cancelWhenGracefulShutdown { await self.publish() }
    }

    private func publish() async {
        var delay = 0.5
        while !Task.isCancelled {
            do {
                guard let (name, body) = try self.outbox.oldest() else {
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                }
                do {
                    try await self.channel.deliver(findingsBatch: body)
                    try self.outbox.acknowledge(name)
                    self.state.delivered()
                    delay = 0.5
                } catch let error as AgentError where !error.isRetryable {
                    self.logger.error(
                        "administrator refused a findings batch; set aside in outbox/rejected", metadata: ["batch": "\(name)", "error": "\(error)"]
                    )
                    try self.outbox.reject(name, reason: error.description)
                }
            } catch {
                if Task.isCancelled { return }
                self.logger.warning("findings delivery failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)s"])
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 30)
            }
        }
    }
}
