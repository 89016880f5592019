import GuardDutyModel

/// The S3 destinations findings are exported to, one detector's at a time.
public protocol PublishingDestinationStore: Sendable {
    func create(caller: Caller, detectorId: String, request: CreatePublishingDestinationRequest) async throws -> String
    func describe(caller: Caller, detectorId: String, destinationId: String) async throws -> DescribePublishingDestinationResponse
    func update(caller: Caller, detectorId: String, destinationId: String, properties: DestinationProperties?) async throws
    func delete(caller: Caller, detectorId: String, destinationId: String) async throws
    func list(caller: Caller, detectorId: String, maxResults: Int, nextToken: String?) async throws -> Page<PublishingDestinationSummary>
}

extension PostgresPublishingDestinationStore: PublishingDestinationStore {}
