import Foundation

/// The geolocation test databases in ../shared/data/geoip (MaxMind's test files, ip-location-db, IPinfo samples).
enum GeoData {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/geoip")

    static func path(_ relative: String) -> String { self.root.appendingPathComponent(relative).path }

    static func maxmind(_ name: String) -> String { self.path("maxmind-test/test-data/\(name).mmdb") }

    /// Every .mmdb under `folder`, sorted.
    static func files(under folder: String) -> [String] {
        let base = self.root.appendingPathComponent(folder)
        let names = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
        return names.filter { $0.hasSuffix(".mmdb") }.sorted().map { base.appendingPathComponent($0).path }
    }
}
