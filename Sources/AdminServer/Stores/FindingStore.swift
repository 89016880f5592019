import Foundation
import GuardDutyModel

/// Every account's findings, the administrator's view of them, and suppression rules.
public protocol FindingStore: Sendable {
    /// Stores a batch an agent (or CreateSampleFindings) produced for the caller's own detector: an upsert keyed by
    /// finding id that only moves a finding forward, with the suppression rules in force applied to new findings.
    /// `findings` holds what ingest reads of each finding and `documents` each one's JSON, stored as the finding's
    /// document as it came (unarchived and without feedback). Header and document must say the same thing:
    /// `FindingBatchReader` reads both from the agent's bytes, and refuses bodies where they could differ.
    func ingest(caller: Caller, detectorId: String, findings: [FindingHeader], documents: [String]) async throws -> IngestSummary
    func listFindings(caller: Caller, detectorId: String, request: ListFindingsRequest) async throws -> ListFindingsResponse
    /// The findings as JSON documents, in the requested order (default: the order of `ids`); unknown ids are left out.
    func getFindings(caller: Caller, detectorId: String, ids: [String], sort: SortCriteria?) async throws -> [String]
    func statistics(caller: Caller, detectorId: String, request: GetFindingsStatisticsRequest) async throws -> FindingStatistics
    /// The top remote countries and autonomous systems of the current (unarchived) findings the caller's detector shows.
    func remotePlaces(caller: Caller, detectorId: String) async throws -> RemotePlaces
    func setArchived(caller: Caller, detectorId: String, ids: [String], archived: Bool) async throws
    func setFeedback(caller: Caller, detectorId: String, ids: [String], feedback: String) async throws
    func createSampleFindings(caller: Caller, detectorId: String, types: [String]?) async throws

    func createFilter(caller: Caller, detectorId: String, request: FilterRequest) async throws -> String
    func getFilter(caller: Caller, detectorId: String, name: String) async throws -> GetFilterResponse
    func updateFilter(caller: Caller, detectorId: String, name: String, request: FilterRequest) async throws -> String
    func deleteFilter(caller: Caller, detectorId: String, name: String) async throws
    func listFilters(caller: Caller, detectorId: String, maxResults: Int, nextToken: String?) async throws -> Page<String>
}

extension FindingStore {
    /// A batch whose documents are encoded from the findings (tests).
    public func ingest(caller: Caller, detectorId: String, findings: [Finding]) async throws -> IngestSummary {
        try await self.ingest(
            caller: caller, detectorId: detectorId, findings: findings.map(FindingHeader.init), documents: try Self.documents(findings))
    }

    /// The JSON documents of findings built in Swift.
    public static func documents(_ findings: [Finding]) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return try findings.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    }

    /// Stores that do not place remote addresses answer none.
    public func remotePlaces(caller: Caller, detectorId: String) async throws -> RemotePlaces { RemotePlaces() }
}
