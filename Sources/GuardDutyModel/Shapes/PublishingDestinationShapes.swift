/// `DestinationProperties`: where a publishing destination writes (an S3 ARN) and the KMS key it encrypts with.
public struct DestinationProperties: Codable, Sendable, Equatable {
    public var destinationArn: String?
    public var kmsKeyArn: String?

    public init(destinationArn: String? = nil, kmsKeyArn: String? = nil) {
        self.destinationArn = destinationArn
        self.kmsKeyArn = kmsKeyArn
    }
}

/// `CreatePublishingDestinationRequest`.
public struct CreatePublishingDestinationRequest: Codable, Sendable {
    public var destinationType: String?
    public var destinationProperties: DestinationProperties?
    public var clientToken: String?
    public var tags: [String: String]?

    public init(
        destinationType: String? = nil, destinationProperties: DestinationProperties? = nil, clientToken: String? = nil, tags: [String: String]? = nil
    ) {
        self.destinationType = destinationType
        self.destinationProperties = destinationProperties
        self.clientToken = clientToken
        self.tags = tags
    }
}

/// `DescribePublishingDestinationResponse`.
public struct DescribePublishingDestinationResponse: Codable, Sendable, Equatable {
    public var destinationId: String
    public var destinationType: String
    public var status: String
    /// Epoch milliseconds of the first failure of the current run of failures (0 when publishing works).
    public var publishingFailureStartTimestamp: Int64
    public var destinationProperties: DestinationProperties
    public var tags: [String: String]?

    public init(
        destinationId: String, destinationType: String, status: String, publishingFailureStartTimestamp: Int64,
        destinationProperties: DestinationProperties, tags: [String: String]?
    ) {
        self.destinationId = destinationId
        self.destinationType = destinationType
        self.status = status
        self.publishingFailureStartTimestamp = publishingFailureStartTimestamp
        self.destinationProperties = destinationProperties
        self.tags = tags
    }
}

/// One destination in ListPublishingDestinations' `destinations`.
public struct PublishingDestinationSummary: Codable, Sendable, Equatable {
    public var destinationId: String
    public var destinationType: String
    public var status: String

    public init(destinationId: String, destinationType: String, status: String) {
        self.destinationId = destinationId
        self.destinationType = destinationType
        self.status = status
    }
}
