import ArgumentParser
import Foundation
import MemberAgent

/// Where the administrator server is and who the agent is, as the AWS CLI takes them.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("endpoint-url"), help: "The administrator server, e.g. http://admin.example:8080 (or GUARDPOST_ENDPOINT_URL).")
    var endpointURL: String?
    @Option(help: "Region (else AWS_REGION, AWS_DEFAULT_REGION, or the profile's region).") var region: String?
    @Option(help: "Profile in ~/.aws/credentials and ~/.aws/config (else AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).")
    var profile: String?
    @Option(
        name: .customLong("ca-bundle"),
        help:
            "PEM file of certificate authorities to trust for an https endpoint (else AWS_CA_BUNDLE, else the system's). Certificates are always verified."
    )
    var caBundle: String?

    func client() throws -> GuardpostClient {
        guard let endpoint = self.endpointURL ?? ProcessInfo.processInfo.environment["GUARDPOST_ENDPOINT_URL"] else {
            throw ValidationError("pass --endpoint-url (or set GUARDPOST_ENDPOINT_URL)")
        }
        return try GuardpostClient(
            endpointURL: endpoint, configuration: try AWSConfiguration.resolve(profile: self.profile, region: self.region), caBundle: self.caBundle
        )
    }
}
