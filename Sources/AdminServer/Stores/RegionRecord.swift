/// A region and whether the server serves it.
public struct RegionRecord: Sendable, Codable, Equatable {
    public var name: String
    public var enabled: Bool
}
