import Foundation
import SigV4

/// Credentials and region resolved the way the AWS CLI and SDKs do, so an agent runs with what the account's
/// operators already have:
/// - an explicit profile (`--profile` or `AWS_PROFILE`) reads `~/.aws/credentials` then `~/.aws/config`
///   (`[name]` / `[profile name]`);
/// - otherwise `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`), then the `default` profile;
///   a profile's `aws_session_token` is used with its keys.
/// - region: `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
/// `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE` move the files, as they do for the CLI.
public struct AWSConfiguration: Sendable, Equatable {
    public var credentials: SigV4Credentials
    public var region: String

    public init(credentials: SigV4Credentials, region: String) {
        self.credentials = credentials
        self.region = region
    }

    public static func resolve(profile: String?, region: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> AWSConfiguration
    {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let credentialsFile = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials"
        let configFile = environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        let credentialSections = Self.ini((try? String(contentsOfFile: credentialsFile, encoding: .utf8)) ?? "")
        let configSections = Self.ini((try? String(contentsOfFile: configFile, encoding: .utf8)) ?? "")
        let explicitProfile = profile ?? environment["AWS_PROFILE"]
        let profileName = explicitProfile ?? "default"
        let fromCredentials = credentialSections[profileName] ?? [:]
        let fromConfig = configSections[profileName == "default" ? "default" : "profile \(profileName)"] ?? configSections[profileName] ?? [:]
        func fromProfile(_ key: String) -> String? { fromCredentials[key] ?? fromConfig[key] }

        let credentials: SigV4Credentials
        if explicitProfile == nil, let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !id.isEmpty,
            !secret.isEmpty
        {
            credentials = SigV4Credentials(
                accessKeyId: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
        } else if let id = fromProfile("aws_access_key_id"), let secret = fromProfile("aws_secret_access_key") {
            credentials = SigV4Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: fromProfile("aws_session_token"))
        } else if explicitProfile != nil {
            throw AgentError.configuration(
                "profile '\(profileName)' has no aws_access_key_id/aws_secret_access_key in \(credentialsFile) or \(configFile)")
        } else {
            throw AgentError.configuration(
                "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile (or AWS_PROFILE) naming a profile in \(credentialsFile)"
            )
        }
        guard
            let region = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? fromConfig["region"]
                ?? fromCredentials["region"],
            !region.isEmpty
        else {
            throw AgentError.configuration("no region: pass --region, or set AWS_REGION, or set region in the profile")
        }
        return AWSConfiguration(credentials: credentials, region: region)
    }

    /// `[section]` → key → value; `#`/`;` comments; keys lowercased; values trimmed.
    static func ini(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String? = nil
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                sections[current!, default: [:]] = sections[current!] ?? [:]
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[section]?[key] = value
        }
        return sections
    }
}
