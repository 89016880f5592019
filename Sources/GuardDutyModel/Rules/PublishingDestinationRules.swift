/// Publishing destinations: S3 only, named by a bucket ARN with an optional prefix, at most one per detector.
public enum PublishingDestinationRules {
    /// `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/prefix/` → (bucket, prefix without surrounding slashes).
    public static func parseArn(_ arn: String?) throws -> (bucket: String, prefix: String) {
        guard let arn, arn.hasPrefix("arn:aws:s3:::") else {
            throw GuardDutyError.badRequest(
                "The request is rejected because destinationArn must be an S3 bucket ARN such as arn:aws:s3:::bucket or arn:aws:s3:::bucket/prefix/."
            )
        }
        let rest = arn.dropFirst("arn:aws:s3:::".count)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let bucket = String(parts[0])
        guard (3...63).contains(bucket.count), bucket.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }) else {
            throw GuardDutyError.badRequest("The request is rejected because '\(bucket.prefix(70))' is not a valid S3 bucket name.")
        }
        var prefix = parts.count > 1 ? parts[1] : ""
        while prefix.first == "/" { prefix = prefix.dropFirst() }
        while prefix.last == "/" { prefix = prefix.dropLast() }
        return (bucket, String(prefix))
    }

    /// CreatePublishingDestination's input: type S3, a bucket ARN, client token and tags; returns the bucket and prefix.
    public static func create(_ request: CreatePublishingDestinationRequest) throws -> (bucket: String, prefix: String) {
        guard request.destinationType == "S3" else {
            throw GuardDutyError.badRequest("The request is rejected because destinationType must be S3.")
        }
        _ = try Self.parseArn(request.destinationProperties?.destinationArn)
        try Validate.clientToken(request.clientToken)
        if let tags = request.tags { try Validate.tags(tags) }
        return try Self.parseArn(request.destinationProperties?.destinationArn)
    }

    /// A detector with `count` destinations may get another only when it has none.
    public static func roomForAnother(count: Int) throws {
        guard count == 0 else {
            throw GuardDutyError.badRequest(
                "The request is rejected because the detector already has a publishing destination; at most 1 is allowed."
            )
        }
    }

    public static func notFound(_ destinationId: String, detectorId: String) -> GuardDutyError {
        .badRequest(
            "The request is rejected because the publishing destination \(destinationId.prefix(64)) does not exist for detector \(detectorId)."
        )
    }
}
