import GuardDutyModel

/// Detectors: one per account and region, with settings and tags.
public protocol DetectorStore: Sendable {
    func createDetector(caller: Caller, request: CreateDetectorRequest) async throws -> String
    /// The detector with its effective settings (the administrator's, for an associated member).
    func getDetector(caller: Caller, detectorId: String) async throws -> GetDetectorResponse
    func updateDetector(caller: Caller, detectorId: String, request: UpdateDetectorRequest) async throws
    func deleteDetector(caller: Caller, detectorId: String) async throws
    func listDetectors(caller: Caller, maxResults: Int, nextToken: String?) async throws -> Page<String>
    func tags(caller: Caller, resourceArn: String) async throws -> [String: String]
    func tagResource(caller: Caller, resourceArn: String, tags: [String: String]) async throws
    func untagResource(caller: Caller, resourceArn: String, tagKeys: [String]) async throws
}
