import GuardDutyModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Routes whose handlers each run under `DatabaseDeadline`: a handler whose query postgres-nio loses (a connection
/// closed under it when the primary dies) is answered 500 once the deadline passes, instead of holding its request,
/// and its replica's graceful shutdown, for good.
///
/// A `RouterMethods` that wraps every responder added through it (and through groups made from it, their middleware
/// included) in a `DeadlineResponder`. The API's and the console's routes are added this way; the agent channel bounds
/// its own reads and writes, because its configuration poll waits longer than the deadline by design.
struct DeadlineRoutes<Context: RequestContext & Sendable>: RouterMethods {
    let parent: any RouterMethods<Context>
    let limit: Duration
    /// The largest streamed body read before the handler starts (a 400 in GuardDuty's shape past it).
    let bodyLimit: Int

    init(_ parent: any RouterMethods<Context>, limit: Duration, bodyLimit: Int) {
        self.parent = parent
        self.limit = limit
        self.bodyLimit = bodyLimit
    }

    @discardableResult func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        self.parent.on(path, method: method, responder: DeadlineResponder(inner: responder, limit: self.limit, bodyLimit: self.bodyLimit))
        return self
    }

    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        DeadlineRoutes(self.parent.add(middleware: middleware), limit: self.limit, bodyLimit: self.bodyLimit)
    }
}

/// One route's responder under `DatabaseDeadline` (see `DeadlineRoutes`). The handler runs in a task of its own, which
/// is left behind when the deadline passes; so the request's body is read here first, in the server's task, and a
/// lost handler never reads from the connection the server goes on using.
struct DeadlineResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context: Sendable {
    typealias Context = Inner.Context
    let inner: Inner
    let limit: Duration
    let bodyLimit: Int

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        // Already a buffer behind SigV4, which read it for the signature; the console's forms are read here.
        do {
            _ = try await request.collectBody(upTo: self.bodyLimit)
        } catch is NIOTooManyBytesError {
            throw GuardDutyError.badRequest("The request is rejected because the request body is larger than \(self.bodyLimit) bytes.")
        }
        let (inner, ready) = (self.inner, request)
        return try await DatabaseDeadline.bounded(within: self.limit) { try await inner.respond(to: ready, context: context) }
    }
}
