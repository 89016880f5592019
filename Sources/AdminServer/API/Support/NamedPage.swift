import GuardDutyModel

/// A page of a List… operation whose member name depends on the operation (`ipSetIds`, `filterNames`,
/// `destinations`…), with `nextToken` when there is more.
struct NamedPage<Item: Encodable & Sendable>: Encodable {
    let key: String
    let page: Page<Item>

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(self.page.items, forKey: Key(stringValue: self.key))
        try container.encodeIfPresent(self.page.nextToken, forKey: Key(stringValue: "nextToken"))
    }
}
