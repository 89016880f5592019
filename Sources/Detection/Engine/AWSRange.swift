/// Where an address sits in AWS's published ranges (`intel/aws-ip-ranges.json`): the most specific service that
/// publishes a prefix holding it (EC2, S3, CLOUDFRONT… rather than the AMAZON umbrella) and that prefix's region.
public struct AWSRange: Sendable, Hashable, CustomStringConvertible {
    public var service: String
    public var region: String

    public init(service: String, region: String) {
        self.service = service
        self.region = region
    }

    public var description: String { "\(self.service) (\(self.region))" }
}
