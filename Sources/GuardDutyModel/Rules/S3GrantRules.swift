/// S3 locations an account names (list locations, publishing destinations) are used with the server's credentials,
/// so only buckets the operator granted the account (`guardpost-admin s3 allow`) and well-formed names are accepted.
public enum S3GrantRules {
    public static let missingKey = GuardDutyError.badRequest(
        "The request is rejected because the location is not of the form s3://bucket/key (the key is missing)."
    )

    /// A malformed bucket name or key, described by `problem`.
    public static func malformed(_ problem: String) -> GuardDutyError {
        .badRequest("The request is rejected because \(problem).")
    }

    public static func requireGranted(_ granted: Bool, accountId: String, bucket: String, purpose: String) throws {
        guard !granted else { return }
        throw GuardDutyError.badRequest(
            "The request is rejected because account \(accountId) may not \(purpose) S3 bucket \(bucket): "
                + "the operator grants buckets with 'guardpost-admin s3 allow'."
        )
    }
}
