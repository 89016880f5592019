/// An answer of string members whose names depend on the operation (`{"ipSetId": …}`).
struct NamedFields: Encodable {
    let fields: [String: String]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NamedPage<String>.Key.self)
        for (name, value) in self.fields.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: NamedPage<String>.Key(stringValue: name))
        }
    }
}
