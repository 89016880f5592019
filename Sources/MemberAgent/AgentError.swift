/// What stops the agent, with a message for its operator.
public enum AgentError: Error, CustomStringConvertible, Equatable {
    case configuration(String)
    /// The administrator server answered with GuardDuty's error shape.
    case api(status: Int, type: String, message: String)
    case transport(String)

    public var description: String {
        switch self {
        case .configuration(let message): return message
        case .api(let status, let type, let message): return "\(type) (\(status)): \(message)"
        case .transport(let message): return message
        }
    }

    /// Whether trying again later may succeed (server down, overloaded, throttled, or a credential being fixed).
    public var isRetryable: Bool {
        switch self {
        case .configuration: return false
        case .transport: return true
        case .api(let status, let type, _):
            return status >= 500 || status == 429 || status == 403 || type.contains("Throttl") || type == "UnrecognizedClientException"
        }
    }
}
