import GuardDutyModel

/// The features page (S3 Protection and the others): each configurable feature with its Turn on / Turn off button,
/// and the features this server does not analyse (`FeatureSupport`) shown as not provided, without a button.
struct FeaturesView {
    /// One feature.
    struct Row {
        let label: String
        let status: String
        let name: String
        /// Whether this server analyses the feature; only then can it be turned on here.
        let provided: Bool
        /// The status the button asks for.
        let nextStatus: String
        let button: String
    }

    /// The data sources every detector has are not features one turns on or off here.
    static let foundational: Set<String> = ["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS"]
    /// The protection plan's name beside the feature's, for the features this server analyses.
    static let labels = ["S3_DATA_EVENTS": "S3 Protection (S3 data events)", "EKS_AUDIT_LOGS": "EKS Protection (Kubernetes audit logs)"]

    let rows: [Row]
    /// What this server analyses, for the page's note.
    let analysed: String
}

extension FeaturesView {
    init(detector: GetDetectorResponse) {
        self.rows = detector.features.filter { !Self.foundational.contains($0.name) }.map { feature in
            let on = feature.status == .enabled
            return Row(
                label: Self.labels[feature.name] ?? feature.name, status: feature.status.rawValue,
                name: feature.name, provided: FeatureSupport.isProvided(feature.name), nextStatus: on ? "DISABLED" : "ENABLED",
                button: on ? "Turn off" : "Turn on"
            )
        }
        self.analysed = FeatureSupport.analysed.joined(separator: ", ")
    }
}
