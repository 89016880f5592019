/// A domain error a store raises; API handlers turn it into a GuardDuty error.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let message), .conflict(let message), .invalid(let message): return message
        }
    }
}
