import Hummingbird

/// One GuardDuty area's operations (botocore's guardduty model, 2017-11-28): `addRoutes` maps each path and method
/// to a named method of the controller. Handlers decode and validate input, call one store method (one
/// transaction) or a pure rule of GuardDutyModel, and encode the model's output shape.
protocol APIController: Sendable {
    func addRoutes(to group: RouterGroup<AuthenticatedContext>)
    /// Whether its handlers bound their own database work, and so stay outside the route-wide `DeadlineRoutes` (the
    /// agent channel, whose configuration poll waits longer than the deadline by design).
    var boundsItsOwnDatabaseWork: Bool { get }
}

extension APIController {
    var boundsItsOwnDatabaseWork: Bool { false }
}
