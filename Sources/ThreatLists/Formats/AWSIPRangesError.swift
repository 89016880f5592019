/// Why an `ip-ranges.json` file could not be read.
public struct AWSIPRangesError: Error, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
