/// Where the remote parties of an account's current findings are: the most frequent countries and autonomous systems
/// of the findings' remoteIpDetails (as placed by the geolocation databases), each with how many findings name it.
public struct RemotePlaces: Sendable, Equatable {
    /// One country or autonomous system and its number of findings.
    public struct Count: Sendable, Equatable {
        public let label: String
        public let total: Int

        public init(label: String, total: Int) {
            self.label = label
            self.total = total
        }
    }

    public var countries: [Count]
    public var autonomousSystems: [Count]

    public init(countries: [Count] = [], autonomousSystems: [Count] = []) {
        self.countries = countries
        self.autonomousSystems = autonomousSystems
    }
}
