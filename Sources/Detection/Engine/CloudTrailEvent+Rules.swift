/// What several CloudTrail rules read of an event.
extension CloudTrailEvent {
    /// The caller as a description names it.
    func who(otherwise fallback: String = "unknown principal") -> String {
        self.userName ?? self.identityArn ?? self.principalId ?? fallback
    }

    /// A reconnaissance API (Get…, List…, Describe…).
    var isRecon: Bool { ["Get", "List", "Describe"].contains { self.eventName.hasPrefix($0) } }
}
