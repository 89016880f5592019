/// Why a MaxMind DB file or one of its records could not be read; every case names what was wrong.
public struct MMDBError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
