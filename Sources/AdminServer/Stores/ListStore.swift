import GuardDutyModel

/// Trusted IP lists, threat lists and entity lists, and the queue of activations the `ListActivator` works off.
public protocol ListStore: Sendable {
    func createList(caller: Caller, detectorId: String, kind: ListKind, request: CreateListRequest) async throws -> String
    /// The caller's list, or (for an associated member) one of its administrator's lists in force for it.
    func getList(caller: Caller, detectorId: String, kind: ListKind, listId: String) async throws -> GetListResponse
    func updateList(caller: Caller, detectorId: String, kind: ListKind, listId: String, request: UpdateListRequest) async throws
    func deleteList(caller: Caller, detectorId: String, kind: ListKind, listId: String) async throws
    /// The caller's lists, or its administrator's while it is an associated member.
    func listLists(caller: Caller, detectorId: String, kind: ListKind, maxResults: Int, nextToken: String?) async throws -> Page<String>

    /// Takes one pending activation, leased for `leaseSeconds` so replicas and workers share the work; never one of
    /// an account that already has an activation under way, so one account's slow feed holds only its own lists.
    func claimActivation(leaseSeconds: Int) async throws -> ListActivationJob?
    /// Whether the operator lets `account` read from (and write findings to) `bucket`.
    func s3BucketGranted(account: String, bucket: String) async throws -> Bool
    /// Stores the outcome, unless the list was changed since the activation was claimed.
    func finishActivation(_ job: ListActivationJob, outcome: ListActivationOutcome) async throws
    /// Normalised content by its SHA-256, for agents.
    func listContent(sha256: String) async throws -> String?
}

extension ListStore {
    /// Takes one pending activation leased for a minute.
    public func claimActivation() async throws -> ListActivationJob? {
        try await self.claimActivation(leaseSeconds: 60)
    }
}
