/// The benign CloudTrail and DNS classes: instance roles through the NAT gateways, AWS services acting for the
/// account, console users (one travelling), CI principals; AWS endpoint names, CDNs, mirrors, DNSBL lookups.
extension CorpusBuilder {
    static let sdkAgent = "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ssm#1.52.3"
    static let consoleAgent = "AWS Internal"
    static let customerWords = [
        "acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne", "tyrell", "soylent", "wonka", "gringotts",
    ]

    /// The account being set up on the first day: Elastic IPs, NAT gateways, the load balancer.
    func accountSetup(_ time: Int64) {
        let admin = self.userIdentity("alice", accessKeyId: Self.keyId("AKIA", "alice"))
        let office = "\(CorpusAddresses.office).21"
        let agent = "aws-cli/2.17.20 Python/3.11.9 Linux/6.8 exe/x86_64.ubuntu.24 command/ec2"
        for (index, interface) in self.interfaces.enumerated() where interface.publicAddress != nil {
            let allocation = "eipalloc-0\(Self.keyId("", interface.name).lowercased())"
            self.trail(
                time + Int64(index * 7), "ec2.amazonaws.com", "AllocateAddress", identity: admin, ip: office, agent: agent, readOnly: false,
                request: ["domain": "vpc"], response: ["publicIp": interface.publicAddress!, "allocationId": allocation, "domain": "vpc"])
            if interface.role == "nat-gateway" {
                self.trail(
                    time + Int64(index * 7 + 3), "ec2.amazonaws.com", "CreateNatGateway", identity: admin, ip: office, agent: agent, readOnly: false,
                    request: ["subnetId": interface.subnetId, "allocationId": allocation],
                    response: [
                        "natGateway": [
                            "natGatewayId": "nat-0\(Self.keyId("", interface.name).lowercased())", "subnetId": interface.subnetId,
                            "vpcId": self.vpcId,
                            "natGatewayAddressSet": [
                                [
                                    "allocationId": allocation, "publicIp": interface.publicAddress!, "privateIp": interface.privateAddress,
                                    "networkInterfaceId": interface.interfaceId,
                                ]
                            ],
                        ]
                    ])
            } else {
                self.trail(
                    time + Int64(index * 7 + 3), "ec2.amazonaws.com", "AssociateAddress", identity: admin, ip: office, agent: agent, readOnly: false,
                    request: ["instanceId": interface.instanceId ?? "-", "allocationId": allocation],
                    response: ["associationId": "eipassoc-0\(self.rng.hex(16))"])
            }
        }
        self.trail(
            time + 400, "elasticloadbalancing.amazonaws.com", "CreateLoadBalancer", identity: admin, ip: office, agent: agent, readOnly: false,
            request: ["name": "public-web", "type": "application", "scheme": "internet-facing"], response: nil)
    }

    /// One hour of instance-role calls (through the NAT gateways' Elastic IPs), credential rotations by EC2, calls
    /// AWS services make for the account, CI deployments and the autoscaling group's daily scaling.
    func benignTrail(_ hour: Int64) {
        let (day, minuteOfDay) = self.clock(hour)
        for instance in self.instanceInterfaces {
            let session = self.instanceSession(instance, at: hour)
            if minuteOfDay % 360 == 0 {
                self.trail(
                    hour + 1, "sts.amazonaws.com", "AssumeRole", identity: ["type": "AWSService", "invokedBy": "ec2.amazonaws.com"],
                    ip: "ec2.amazonaws.com",
                    agent: "ec2.amazonaws.com",
                    request: ["roleArn": "arn:aws:iam::\(self.accountId):role/\(session.roleName)", "roleSessionName": instance.instanceId!],
                    response: ["credentials": ["accessKeyId": session.accessKeyId, "expiration": CorpusClock.iso(hour + 21600 + 1800)]])
            }
            let at = hour + Int64(self.rng.int(60...3500))
            self.trail(
                at, "ssm.amazonaws.com", "UpdateInstanceInformation", identity: session.identity, ip: self.egressAddress(instance),
                agent: Self.sdkAgent,
                readOnly: false, request: ["instanceId": instance.instanceId!, "agentVersion": "3.3.987.0"])
            guard ["app", "worker", "eks-node", "ci-runner", "cron", "backup", "webhooks"].contains(instance.role) else { continue }
            for _ in 0..<self.rng.count(mean: 2) {
                self.roleCall(instance, at: hour + Int64(self.rng.int(0...3599)))
            }
        }
        if day % 7 < 5, (9 * 60..<18 * 60).contains(minuteOfDay), self.rng.chance(0.5) {
            let runner = self.rng.pick(self.instances("ci-runner"))
            let identity = self.userIdentity("ci-deployer", accessKeyId: Self.keyId("AKIA", "ci-deployer"))
            for (offset, call) in [("ecr", "GetAuthorizationToken"), ("ecs", "DescribeServices"), ("ecs", "UpdateService")].enumerated() {
                self.trail(
                    hour + 600 + Int64(offset * 20), "\(call.0).amazonaws.com", call.1, identity: identity, ip: self.egressAddress(runner),
                    agent: "aws-cli/2.17.20 Python/3.11.9 Linux/6.8 exe/x86_64.ubuntu.24", readOnly: call.1 != "UpdateService")
            }
        }
        if minuteOfDay == 12 * 60 {
            let identity: [String: Any] = [
                "type": "AssumedRole", "arn": "arn:aws:sts::\(self.accountId):assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
                "accountId": self.accountId, "invokedBy": "autoscaling.amazonaws.com",
                "principalId": "\(Self.keyId("AROA", "autoscaling")):AutoScaling",
            ]
            self.trail(
                hour + 90, "ec2.amazonaws.com", "RunInstances", identity: identity, ip: "autoscaling.amazonaws.com",
                agent: "autoscaling.amazonaws.com",
                readOnly: false)
        }
    }

    /// An application's everyday call with its instance role: most through the NAT gateway, secrets through the VPC
    /// endpoint (private address), KMS decryptions made by Secrets Manager on its behalf.
    func roleCall(_ instance: CorpusInterface, at time: Int64) {
        let session = self.instanceSession(instance, at: time)
        switch self.rng.int(0..<5) {
        case 0:
            self.trail(
                time, "secretsmanager.amazonaws.com", "GetSecretValue", identity: session.identity, ip: instance.privateAddress, agent: Self.sdkAgent,
                extra: ["vpcEndpointId": "vpce-0a1b2c3d4e5f60718"])
        case 1:
            var identity = session.identity
            identity["invokedBy"] = "secretsmanager.amazonaws.com"
            self.trail(
                time, "kms.amazonaws.com", "Decrypt", identity: identity, ip: "secretsmanager.amazonaws.com", agent: "secretsmanager.amazonaws.com")
        case 2:
            self.trail(time, "ec2.amazonaws.com", "DescribeTags", identity: session.identity, ip: self.egressAddress(instance), agent: Self.sdkAgent)
        case 3:
            self.trail(
                time, "sts.amazonaws.com", "GetCallerIdentity", identity: session.identity, ip: self.egressAddress(instance), agent: Self.sdkAgent)
        default:
            self.trail(
                time, "ecr.amazonaws.com", "GetAuthorizationToken", identity: session.identity, ip: self.egressAddress(instance), agent: Self.sdkAgent
            )
        }
    }

    /// Console users: sign-ins from the office each working day, one from home in the evening, one from a mobile
    /// hotspot, and one user travelling to Japan (many hours after the office sign-in); a reporting user's daily run.
    func consoleUsers(_ minute: Int64) {
        let (day, minuteOfDay) = self.clock(minute)
        let weekday = day % 7 < 5
        let logins: [(user: String, at: Int, address: String, when: Bool)] = [
            ("alice", 8 * 60 + 5, "\(CorpusAddresses.office).21", weekday), ("bob", 8 * 60 + 40, "\(CorpusAddresses.office).34", weekday && day != 2),
            ("carol", 9 * 60 + 10, "\(CorpusAddresses.office).47", weekday), ("alice", 20 * 60, "\(CorpusAddresses.home).9", day == 1),
            ("carol", 9 * 60 + 45, "\(CorpusAddresses.hotspot).130", day == 3), ("bob", 23 * 60 + 30, "\(CorpusAddresses.travel).66", day == 1),
            ("dana", 10 * 60 + 49, "\(CorpusAddresses.office).52", true),
        ]
        for login in logins where login.when && login.at == minuteOfDay {
            let at = minute + Int64(self.rng.int(0...40))
            self.trail(
                at, "signin.amazonaws.com", "ConsoleLogin", identity: self.userIdentity(login.user, accessKeyId: nil), ip: login.address,
                agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15", readOnly: false,
                response: ["ConsoleLogin": "Success"], extra: ["additionalEventData": ["MFAUsed": "Yes", "MobileVersion": "No"]])
            for (offset, name) in ["DescribeInstances", "DescribeSecurityGroups", "DescribeVpcs"].enumerated() {
                self.trail(
                    at + 30 + Int64(offset * 11), "ec2.amazonaws.com", name,
                    identity: self.userIdentity(login.user, accessKeyId: Self.keyId("ASIA", "\(login.user)/\(day)")), ip: login.address,
                    agent: Self.consoleAgent)
            }
        }
        if minuteOfDay == 9 * 60 {
            let identity = self.userIdentity("reporting", accessKeyId: Self.keyId("AKIA", "reporting"))
            for (offset, call) in [("s3", "ListBuckets"), ("sts", "GetCallerIdentity"), ("ce", "GetCostAndUsage")].enumerated() {
                self.trail(
                    minute + 5 + Int64(offset * 3), "\(call.0).amazonaws.com", call.1, identity: identity, ip: "\(CorpusAddresses.office).80",
                    agent: "Boto3/1.34.144 Python/3.12.4 Linux/6.8 Botocore/1.34.144")
            }
        }
    }
}
