import Detection
import Foundation
import GuardDutyModel

/// What survives a restart besides the outbox: where each file was read to, the findings known so far (so new
/// occurrences add to their counts), and the updates not yet published. Saved as `checkpoint.json` in the state
/// directory; the keys are the on-disk format, which an agent of any later version must still read.
struct Checkpoint: Codable {
    var cursors: [String: [FileCursor]]
    var findings: [Finding]
    var pendingUpdates: [String]
    var nextUpdateAt: Double
    /// What the learned rules (unusual ports and volumes, AnomalousBehavior) have learned.
    var baselines: LearnedBaselines?
    /// What each `s3://` source read (by source id); absent in checkpoints of agents without one.
    var s3: [String: S3SourceState]?

    static var empty: Checkpoint { Checkpoint(cursors: [:], findings: [], pendingUpdates: [], nextUpdateAt: 0, baselines: nil, s3: nil) }

    /// The checkpoint in `stateDirectory`, or an empty one on a first start (or one that cannot be read).
    static func load(stateDirectory: String) -> Checkpoint {
        FileManager.default.contents(atPath: Self.path(stateDirectory)).flatMap { try? JSONDecoder().decode(Checkpoint.self, from: $0) } ?? .empty
    }

    /// Writes the checkpoint durably (a crash leaves the previous one or this one).
    func save(stateDirectory: String) throws {
        try DurableFile.write(Array(try JSONEncoder().encode(self)), to: Self.path(stateDirectory))
    }

    static func path(_ stateDirectory: String) -> String { "\(stateDirectory)/checkpoint.json" }
}
