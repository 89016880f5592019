import Foundation

/// Writing CloudTrail events and Route 53 Resolver query log records as AWS does, and the identities that call.
extension CorpusBuilder {
    /// One CloudTrail management event (a `Records` element).
    func trail(
        _ time: Int64, _ source: String, _ name: String, identity: [String: Any], ip: String, agent: String, readOnly: Bool = true,
        request: [String: Any]? = nil, response: [String: Any]? = nil, extra: [String: Any] = [:]
    ) {
        var event: [String: Any] = [
            "eventVersion": "1.09", "userIdentity": identity, "eventTime": CorpusClock.iso(time), "eventSource": source, "eventName": name,
            "awsRegion": self.region, "sourceIPAddress": ip, "userAgent": agent, "requestParameters": request ?? NSNull(),
            "responseElements": response ?? NSNull(), "requestID": self.uuid(), "eventID": self.uuid(), "readOnly": readOnly,
            "eventType": name == "ConsoleLogin" ? "AwsConsoleSignIn" : "AwsApiCall", "managementEvent": true,
            "recipientAccountId": self.accountId, "eventCategory": "Management",
        ]
        for (key, value) in extra { event[key] = value }
        let data = try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])
        self.files.cloudTrail(String(decoding: data, as: UTF8.self), time: time)
    }

    /// One Route 53 Resolver query log record of `interface`'s query for `name`, its fields in the order AWS writes them.
    func dns(_ time: Int64, _ interface: CorpusInterface, _ name: String, type: String = "A", rcode: String = "NOERROR", answers: [String]) {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let answerList = answers.map { "{\"Rdata\":\(quoted($0)),\"Type\":\"\(type)\",\"Class\":\"IN\"}" }.joined(separator: ",")
        let line =
            "{\"version\":\"1.100000\",\"account_id\":\"\(self.accountId)\",\"region\":\"\(self.region)\",\"vpc_id\":\"\(self.vpcId)\","
            + "\"query_timestamp\":\"\(CorpusClock.iso(time))\",\"query_name\":\(quoted(name + ".")),"
            + "\"query_type\":\"\(type)\",\"query_class\":\"IN\",\"rcode\":\"\(rcode)\",\"answers\":[\(answerList)],"
            + "\"srcaddr\":\"\(interface.privateAddress)\",\"srcport\":\"\(self.rng.ephemeralPort())\","
            + "\"transport\":\"UDP\",\"srcids\":{\"instance\":\"\(interface.instanceId ?? "-")\"}}"
        self.files.dns(line, time: time)
    }

    func uuid() -> String {
        "\(self.rng.hex(8))-\(self.rng.hex(4))-4\(self.rng.hex(3))-a\(self.rng.hex(3))-\(self.rng.hex(12))"
    }

    /// A deterministic AWS-style identifier (`prefix` + 16 upper-case characters) derived from `name`.
    static func keyId(_ prefix: String, _ name: String) -> String {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in Array(name.utf8) { value = (value ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var generator = SplitMix64(seed: value)
        return prefix + generator.string(16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    }

    /// The instance role's credentials of `interface` at `time` (rotated every six hours, as EC2 does).
    func instanceSession(_ interface: CorpusInterface, at time: Int64) -> (identity: [String: Any], accessKeyId: String, roleName: String) {
        let roleName = "\(interface.role)-role"
        let rotation = (time - self.start) / 21600
        let instanceId = interface.instanceId ?? "-"
        let accessKeyId = Self.keyId("ASIA", "\(instanceId)/\(rotation)")
        let roleId = Self.keyId("AROA", roleName)
        let identity: [String: Any] = [
            "type": "AssumedRole", "principalId": "\(roleId):\(instanceId)",
            "arn": "arn:aws:sts::\(self.accountId):assumed-role/\(roleName)/\(instanceId)",
            "accountId": self.accountId, "accessKeyId": accessKeyId,
            "sessionContext": [
                "sessionIssuer": [
                    "type": "Role", "principalId": roleId, "arn": "arn:aws:iam::\(self.accountId):role/\(roleName)", "accountId": self.accountId,
                    "userName": roleName,
                ],
                "attributes": ["creationDate": CorpusClock.iso(self.start + rotation * 21600), "mfaAuthenticated": "false"],
                "ec2RoleDelivery": "2.0",
            ],
        ]
        return (identity, accessKeyId, roleName)
    }

    /// An IAM user's identity, with its access key (none for console sign-ins).
    func userIdentity(_ name: String, accessKeyId: String?) -> [String: Any] {
        var identity: [String: Any] = [
            "type": "IAMUser", "principalId": Self.keyId("AIDA", name), "arn": "arn:aws:iam::\(self.accountId):user/\(name)",
            "accountId": self.accountId, "userName": name,
        ]
        if let accessKeyId { identity["accessKeyId"] = accessKeyId }
        return identity
    }

    /// The public address an instance's API calls come from: its Elastic IP, or its NAT gateway's.
    func egressAddress(_ interface: CorpusInterface) -> String {
        interface.publicAddress ?? self.nat(for: interface).publicAddress!
    }
}
