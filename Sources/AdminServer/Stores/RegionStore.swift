/// The regions the server serves.
public protocol RegionStore: Sendable {
    func listRegions() async throws -> [RegionRecord]
    func setRegion(_ name: String, enabled: Bool) async throws
}
