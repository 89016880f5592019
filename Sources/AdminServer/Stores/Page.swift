/// A page of a listing: the items and the opaque token for the next page.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextToken: String?
}
