import Foundation
import FuzzSupport
import GuardDutyModel

/// Agent channel bodies as the server receives them: findings batches, heartbeats (decoded, validated, their
/// counters summed as the usage report sums them) and the configuration an agent receives. A decoded value
/// encodes and decodes back to itself. A findings batch is also read as the server reads it (`FindingBatchReader`,
/// without `JSONDecoder`): what it accepts is JSON, and where `JSONDecoder` decodes the batch too, both read the same
/// findings from the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let bytes = Data(fuzzBytes(data, count))
    let decoder = JSONDecoder()
    let encoder = JSONEncoder()
    let read = try? FindingBatchReader(Array(bytes))
    if let read {
        fuzzCheck((try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])) != nil, "the reader accepts a body that is not JSON")
        fuzzCheck(read.findings.count == read.documents.count, "the reader's findings and documents differ in number")
    }
    if let batch = try? decoder.decode(AgentFindingBatch.self, from: bytes) {
        if let read {
            fuzzCheck(
                read.detectorId == batch.detectorId && read.findings == batch.findings.map(FindingHeader.init), "the reader and JSONDecoder disagree")
            for (range, finding) in zip(read.documents, batch.findings) {
                fuzzCheck((try? decoder.decode(Finding.self, from: bytes[range])) == finding, "a finding's bytes do not decode to the finding")
            }
        }
        let again = try? decoder.decode(AgentFindingBatch.self, from: try encoder.encode(batch))
        fuzzCheck(again?.findings == batch.findings && again?.detectorId == batch.detectorId, "a findings batch does not survive encoding")
    }
    if let heartbeat = try? decoder.decode(AgentHeartbeat.self, from: bytes) {
        if (try? heartbeat.validate()) != nil {
            var total = 0
            for source in heartbeat.sources {
                total = total.addingClamped(source.recordsSinceLast).addingClamped(source.bytesSinceLast)
            }
            fuzzCheck(total >= 0, "the counters of a valid heartbeat sum to a negative number")
        }
        let again = try? decoder.decode(AgentHeartbeat.self, from: try encoder.encode(heartbeat))
        fuzzCheck(again == heartbeat, "a heartbeat does not survive encoding")
    }
    if let config = try? decoder.decode(AgentConfig.self, from: bytes) {
        let again = try? decoder.decode(AgentConfig.self, from: try encoder.encode(config))
        fuzzCheck(again == config, "an agent configuration does not survive encoding")
    }
    return 0
}

@main
enum Main {
    static func main() { runFuzzer(fuzz) }
}
