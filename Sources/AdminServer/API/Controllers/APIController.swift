import Hummingbird

/// One GuardDuty area's operations (botocore's guardduty model, 2017-11-28): `addRoutes` maps each path and method
/// to a named method of the controller. Handlers decode and validate input, call one store method (one
/// transaction) or a pure rule of GuardDutyModel, and encode the model's output shape.
protocol APIController: Sendable {
    func addRoutes(to group: RouterGroup<AuthenticatedContext>)
}
