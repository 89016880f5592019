/// What an activation produced.
public enum ListActivationOutcome: Sendable {
    /// Normalised content (one entry per line), its SHA-256, counts, and a note on skipped entries.
    case content(body: String, sha256: String, entryCount: Int, malformedCount: Int, details: String?)
    /// The location could not be fetched or the file held nothing usable.
    case failed(String)
}
