/// The bounds a Kubernetes audit event's log-controlled values are held to before any rule reads them: a finding
/// carries the user, the request and the workload, and the server refuses a finding over 64 KB (a description over
/// 4 KB), which would set the agent's whole batch aside. A hostile or odd log (an OIDC claim of megabytes, a
/// thousand groups) therefore costs a truncated value, never a lost finding.
extension KubernetesAuditEvent {
    /// Bytes kept of each string (cut at a character boundary).
    public static let maxStringBytes = 256
    /// Entries kept of each list (groups, source addresses).
    static let maxListEntries = 16

    /// `text` cut to at most `maxStringBytes` bytes of whole characters.
    public static func bounded(_ text: String) -> String {
        guard text.utf8.count > Self.maxStringBytes else { return text }
        var result = ""
        for character in text {
            guard result.utf8.count + character.utf8.count <= Self.maxStringBytes else { break }
            result.append(character)
        }
        return result
    }

    static func bounded(_ list: [String]) -> [String] { list.prefix(Self.maxListEntries).map(Self.bounded) }

    /// The event with every string and list the rules copy into findings held to the bounds.
    var bounded: KubernetesAuditEvent {
        var event = self
        event.auditID = event.auditID.map(Self.bounded)
        event.stage = event.stage.map(Self.bounded)
        event.verb = Self.bounded(event.verb)
        event.requestURI = event.requestURI.map(Self.bounded)
        event.username = event.username.map(Self.bounded)
        event.uid = event.uid.map(Self.bounded)
        event.groups = Self.bounded(event.groups)
        event.impersonatedUsername = event.impersonatedUsername.map(Self.bounded)
        event.impersonatedGroups = Self.bounded(event.impersonatedGroups)
        event.sourceIPs = Self.bounded(event.sourceIPs)
        event.userAgent = event.userAgent.map(Self.bounded)
        event.resource = event.resource.map(Self.bounded)
        event.subresource = event.subresource.map(Self.bounded)
        event.namespace = event.namespace.map(Self.bounded)
        event.name = event.name.map(Self.bounded)
        event.apiGroup = event.apiGroup.map(Self.bounded)
        event.authorizationDecision = event.authorizationDecision.map(Self.bounded)
        event.authorizationReason = event.authorizationReason.map(Self.bounded)
        return event
    }
}
