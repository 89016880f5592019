import Hummingbird

/// Marks the writes of an authenticated request as the caller account's (`WriterScope`), so that with a read replica
/// the account's next reads through this server wait until the standby has them. The agent channel's writes
/// (ingest, heartbeats) are `untracked`: nobody reads their own ingest back, and tracking it would keep a busy
/// account's reads on the primary.
struct ReadYourWritesMiddleware: RouterMiddleware {
    typealias Context = AuthenticatedContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let scope: WriterScope = request.uri.path.hasPrefix("/agent/") ? .untracked : .account(context.caller.accountId)
        return try await WriterScope.$current.withValue(scope) {
            try await next(request, context)
        }
    }
}
