/// What several CloudTrail rules read of an event.
extension CloudTrailEvent {
    /// The caller as a description names it.
    func who(otherwise fallback: String = "unknown principal") -> String {
        self.userName ?? self.identityArn ?? self.principalId ?? fallback
    }

    /// A reconnaissance API (Get…, List…, Describe…).
    var isRecon: Bool { ["Get", "List", "Describe"].contains { self.eventName.hasPrefix($0) } }
}

/// Which raw JSON the parsers keep of an event: the parameters of S3 bucket-policy calls (the bucket rules read them)
/// and of the EC2 address events, the answers of the EC2 address events (`OrganisationAddresses` reads them).
extension CloudTrailEvent {
    /// The largest `responseElements` kept (a NAT gateway's answer is about 1 KB).
    static let maximumRawResponse = 64 << 10

    /// While the parser does not yet know the event's source or name, it keeps what it may need.
    var mayKeepRawParameters: Bool {
        self.eventSource.isEmpty || self.eventSource.hasPrefix("s3") || self.mayKeepRawResponse
    }

    var mayKeepRawResponse: Bool {
        (self.eventSource.isEmpty || self.eventSource == "ec2.amazonaws.com")
            && (self.eventName.isEmpty || OrganisationAddresses.apis.contains(self.eventName))
    }

    /// Drops the raw JSON of events that turned out not to need it.
    mutating func dropRawJSONNotRead() {
        let s3Policy = self.eventSource.hasPrefix("s3") && S3BucketPolicyRule.policyAPIs.contains(self.eventName)
        let address = self.eventSource == "ec2.amazonaws.com" && OrganisationAddresses.apis.contains(self.eventName)
        if !s3Policy && !address { self.requestParameters = nil }
        if !address { self.responseElements = nil }
    }
}
