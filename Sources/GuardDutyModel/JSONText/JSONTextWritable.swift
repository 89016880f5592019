/// A value that writes itself as JSON text through a `JSONTextWriter`, byte for byte as Foundation's `JSONEncoder`
/// writes its `Codable` form with `.sortedKeys` and `.withoutEscapingSlashes`: members in sorted order, nil members
/// left out. The test `JSONTextWriterTests` holds every conformance to `JSONEncoder`'s bytes on findings with every
/// member set.
public protocol JSONTextWritable {
    /// Writes the value at the writer's current position (a member's value, an array's element, or the top).
    func write(to writer: inout JSONTextWriter)
}
