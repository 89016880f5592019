import GuardDutyModel
import Hummingbird

/// The agent's configuration poll: `detectorId` (required), the `version` it holds (none: -1) and how long to
/// `wait` for a newer one (default 30 s, 0…60; not a number: 30).
struct AgentConfigQuery {
    var detectorId: String
    var knownVersion: Int
    var waitSeconds: Double

    init(_ request: Request) throws {
        guard let detectorId = request.queryValue("detectorId") else {
            throw GuardDutyError.badRequest("The request is rejected because the query parameter detectorId is missing.")
        }
        try Validate.detectorId(detectorId)
        self.detectorId = detectorId
        self.knownVersion =
            try request.queryValue("version").map { raw -> Int in
                guard let value = Int(raw), value >= 0 else {
                    throw GuardDutyError.badRequest("The request is rejected because version '\(raw.prefix(20))' is not a non-negative integer.")
                }
                return value
            } ?? -1
        let asked = Double(request.queryValue("wait") ?? "30") ?? 30
        self.waitSeconds = asked.isFinite ? min(60, max(0, asked)) : 30
    }
}
