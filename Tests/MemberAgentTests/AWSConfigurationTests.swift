import Foundation
import MemberAgent
import SigV4
import Testing

/// Credentials and region resolved as the AWS CLI resolves them.
@Suite("AWS configuration")
struct AWSConfigurationTests {
    @Test func profilesComeFromTheCredentialsAndConfigFilesAsTheCLIReadsThem() throws {
        let directory = try temporaryDirectory()
        try
            "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = secret0\n\n[member]\naws_access_key_id=AKIAMEMBER\naws_secret_access_key=secret1\n"
            .write(toFile: "\(directory)/credentials", atomically: true, encoding: .utf8)
        try "[default]\nregion = eu-west-1\n[profile member]\nregion = us-west-2\n".write(
            toFile: "\(directory)/config", atomically: true, encoding: .utf8)
        let files = ["AWS_SHARED_CREDENTIALS_FILE": "\(directory)/credentials", "AWS_CONFIG_FILE": "\(directory)/config"]
        let member = try AWSConfiguration.resolve(profile: "member", region: nil, environment: files)
        #expect(member == AWSConfiguration(credentials: SigV4Credentials(accessKeyId: "AKIAMEMBER", secretAccessKey: "secret1"), region: "us-west-2"))
        let fromEnvironmentProfile = try AWSConfiguration.resolve(
            profile: nil, region: "ap-south-1", environment: files.merging(["AWS_PROFILE": "member"]) { $1 })
        #expect(fromEnvironmentProfile.credentials.accessKeyId == "AKIAMEMBER" && fromEnvironmentProfile.region == "ap-south-1")
        // Keys in the environment win over the default profile; AWS_REGION over the profile's region.
        let environment = files.merging(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "secret2", "AWS_REGION": "us-east-2"]) { $1 }
        #expect(
            try AWSConfiguration.resolve(profile: nil, region: nil, environment: environment)
                == AWSConfiguration(credentials: SigV4Credentials(accessKeyId: "AKIAENV", secretAccessKey: "secret2"), region: "us-east-2"))
        #expect(try AWSConfiguration.resolve(profile: nil, region: nil, environment: files).credentials.accessKeyId == "AKIADEFAULT")
        #expect(throws: AgentError.self) { try AWSConfiguration.resolve(profile: "nobody", region: "us-east-1", environment: files) }
        #expect(throws: AgentError.self) { try AWSConfiguration.resolve(profile: nil, region: "us-east-1", environment: ["HOME": directory]) }
    }
}
