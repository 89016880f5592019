import ArgumentParser
import Foundation
import MemberAgent

/// `--max-memory-mb`, shared by `scan` and `run`.
struct MemoryOptions: ParsableArguments {
    @Option(
        name: .customLong("max-memory-mb"),
        help: "Memory the agent may use, in MB (default 512): bounds the findings held; past it new ones are counted in summaries.")
    var maxMemoryMB: Int = 512

    func validate() throws {
        guard MemoryLimit(megabytes: self.maxMemoryMB) != nil else { throw ValidationError(MemoryLimit.refusal(self.maxMemoryMB)) }
        let physical = ProcessInfo.processInfo.physicalMemory / 1_048_576
        guard UInt64(self.maxMemoryMB) <= physical else {
            throw ValidationError("--max-memory-mb \(self.maxMemoryMB) is more than this machine's \(physical) MB")
        }
    }

    var limit: MemoryLimit { MemoryLimit(megabytes: self.maxMemoryMB) ?? .standard }
}
