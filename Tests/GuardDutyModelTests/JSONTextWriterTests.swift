import Foundation
import GuardDutyModel
import Testing

/// `JSONTextWriter` and the finding shapes' `JSONTextWritable` conformances write the bytes `JSONEncoder` writes
/// (`.sortedKeys`, `.withoutEscapingSlashes`, with and without `.prettyPrinted`), on findings with every member set
/// and on thousands of random ones, so the scan output and the outbox stay what they were when JSONEncoder wrote them.
struct JSONTextWriterTests {
    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func written(_ value: some JSONTextWritable, pretty: Bool) -> String {
        var writer = JSONTextWriter(pretty: pretty)
        writer.value(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func encoded(_ value: some Encodable, pretty: Bool) throws -> String {
        String(decoding: try Self.encoder(pretty: pretty).encode(value), as: UTF8.self)
    }

    /// A deterministic generator (SplitMix64), so a failure names a seed that reproduces it.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Builds findings whose members are all set (`every`) or each set or left out at random.
    struct Builder {
        var random: Generator
        let every: Bool

        mutating func maybe<T>(_ make: (inout Builder) -> T) -> T? {
            self.every || Bool.random(using: &self.random) ? make(&self) : nil
        }

        mutating func text() -> String {
            let pieces = [
                "i-0abc", "a/b", "quote\"d", "back\\slash", "tab\there", "line\nbreak", "\u{1}\u{1f}\u{7f}", "é東京🙂",
                "\u{2028}", "", "198.51.100.7", "GeneratedFindingUserName", "\r\u{8}\u{c}",
            ]
            return (0..<Int.random(in: 1...3, using: &self.random)).map { _ in pieces.randomElement(using: &self.random)! }.joined()
        }

        mutating func optionalText() -> String? { self.maybe { $0.text() } }

        mutating func number() -> Double {
            let choices: [Double] = [
                0, 2, 5, 8, 8.9, 2.5, -0.0, 0.1 + 0.2, 1e15, 1e16, 1e21, 1e-7, 47.6062, -122.3321, 123456789.125, 1.7976931348623157e308,
            ]
            return Bool.random(using: &self.random)
                ? choices.randomElement(using: &self.random)! : Double.random(in: -1e6...1e6, using: &self.random)
        }

        mutating func integer() -> Int {
            [0, 1, -1, 443, 65_535, Int.max, Int.min, 1_000_000_007].randomElement(using: &self.random)!
        }

        mutating func texts() -> [String]? { self.maybe { b in (0..<Int.random(in: 0...3, using: &b.random)).map { _ in b.text() } } }

        mutating func list<T>(_ make: (inout Builder) -> T) -> [T]? {
            self.maybe { b in (0..<Int.random(in: 0...2, using: &b.random)).map { _ in make(&b) } + (b.every ? [make(&b)] : []) }
        }

        mutating func flag() -> Bool? { self.maybe { Bool.random(using: &$0.random) } }

        mutating func remote() -> Finding.RemoteIpDetails {
            var details = Finding.RemoteIpDetails(address: "198.51.100.7")
            details.ipAddressV6 = self.optionalText()
            details.ipAddressV4 = self.optionalText()
            details.city = self.maybe { Finding.City(cityName: $0.optionalText()) }
            details.country = self.maybe { Finding.Country(countryCode: $0.optionalText(), countryName: $0.optionalText()) }
            details.geoLocation = self.maybe { Finding.GeoLocation(lat: $0.maybe { $0.number() }, lon: $0.maybe { $0.number() }) }
            details.organization = self.maybe {
                Finding.Organization(asn: $0.optionalText(), asnOrg: $0.optionalText(), isp: $0.optionalText(), org: $0.optionalText())
            }
            return details
        }

        mutating func port() -> Finding.PortDetails {
            var port = Finding.PortDetails(port: self.integer())
            port.portName = self.text()
            return port
        }

        mutating func local() -> Finding.LocalIpDetails {
            var local = Finding.LocalIpDetails(address: "10.0.0.1")
            local.ipAddressV4 = self.optionalText()
            local.ipAddressV6 = self.optionalText()
            return local
        }

        mutating func workload() -> Finding.KubernetesWorkloadDetails {
            var workload = Finding.KubernetesWorkloadDetails(name: self.optionalText(), type: self.optionalText(), namespace: self.optionalText())
            workload.uid = self.optionalText()
            workload.hostNetwork = self.flag()
            workload.hostIPC = self.flag()
            workload.hostPID = self.flag()
            workload.serviceAccountName = self.optionalText()
            workload.containers = self.list { b in
                var container = Finding.Container(name: b.optionalText(), image: b.optionalText())
                container.containerRuntime = b.optionalText()
                container.id = b.optionalText()
                container.imagePrefix = b.optionalText()
                container.volumeMounts = b.list { Finding.VolumeMount(name: $0.optionalText(), mountPath: $0.optionalText()) }
                container.securityContext = b.maybe { Finding.SecurityContext(privileged: $0.flag(), allowPrivilegeEscalation: $0.flag()) }
                return container
            }
            workload.volumes = self.list { b in
                Finding.Volume(name: b.optionalText(), hostPath: b.maybe { Finding.HostPath(path: $0.optionalText()) })
            }
            return workload
        }

        mutating func resource() -> Finding.Resource {
            var resource = Finding.Resource(resourceType: self.text())
            resource.accessKeyDetails = self.maybe {
                Finding.AccessKeyDetails(
                    accessKeyId: $0.optionalText(), principalId: $0.optionalText(), userName: $0.optionalText(), userType: $0.optionalText())
            }
            resource.instanceDetails = self.maybe {
                Finding.InstanceDetails(
                    instanceId: $0.optionalText(),
                    networkInterfaces: $0.list {
                        Finding.NetworkInterface(networkInterfaceId: $0.optionalText(), privateIpAddress: $0.optionalText(), vpcId: $0.optionalText())
                    })
            }
            resource.s3BucketDetails = self.list { Finding.S3BucketDetail(arn: $0.optionalText(), name: $0.optionalText(), type: $0.optionalText()) }
            resource.eksClusterDetails = self.maybe {
                var cluster = Finding.EksClusterDetails(
                    name: $0.optionalText(), arn: $0.optionalText(), vpcId: $0.optionalText(), status: $0.optionalText())
                cluster.createdAt = $0.maybe { $0.number() }
                return cluster
            }
            resource.kubernetesDetails = self.maybe {
                Finding.KubernetesDetails(
                    kubernetesUserDetails: $0.maybe { b in
                        var user = Finding.KubernetesUserDetails(
                            username: b.optionalText(), uid: b.optionalText(), groups: b.texts(),
                            impersonatedUser: b.maybe { Finding.ImpersonatedUser(username: $0.optionalText(), groups: $0.texts()) })
                        user.sessionName = b.texts()
                        return user
                    },
                    kubernetesWorkloadDetails: $0.maybe { $0.workload() })
            }
            return resource
        }

        mutating func action() -> Finding.Action {
            var action = Finding.Action(actionType: self.text())
            action.awsApiCallAction = self.maybe { b in
                Finding.AwsApiCallAction(
                    api: b.text(), callerType: b.text(), errorCode: b.optionalText(), userAgent: b.optionalText(),
                    remoteIp: b.optionalText(), serviceName: b.text())
            }
            action.awsApiCallAction?.remoteIpDetails = self.maybe { $0.remote() }
            action.dnsRequestAction = self.maybe { b in
                Finding.DnsRequestAction(domain: b.text(), protocolName: b.text(), blocked: Bool.random(using: &b.random))
            }
            action.networkConnectionAction = self.maybe { b in
                var network = Finding.NetworkConnectionAction(
                    blocked: Bool.random(using: &b.random), direction: b.text(), protocolName: b.text(), local: nil, localPort: nil, remote: nil,
                    remotePort: nil)
                network.localIpDetails = b.maybe { $0.local() }
                network.localPortDetails = b.maybe { $0.port() }
                network.remoteIpDetails = b.maybe { $0.remote() }
                network.remotePortDetails = b.maybe { $0.port() }
                return network
            }
            action.portProbeAction = self.maybe { b in
                Finding.PortProbeAction(
                    blocked: Bool.random(using: &b.random),
                    portProbeDetails: b.list { b in
                        var detail = Finding.PortProbeDetail(localPort: b.integer(), local: b.optionalText(), remote: b.text())
                        detail.localPortDetails = b.port()
                        detail.localIpDetails = b.maybe { $0.local() }
                        detail.remoteIpDetails = b.remote()
                        return detail
                    } ?? [])
            }
            action.kubernetesApiCallAction = self.maybe { b in
                var call = Finding.KubernetesApiCallAction(
                    requestUri: b.optionalText(), verb: b.optionalText(), sourceIps: b.texts(), userAgent: b.optionalText(),
                    statusCode: b.maybe { $0.integer() })
                call.resource = b.optionalText()
                call.subresource = b.optionalText()
                call.namespace = b.optionalText()
                call.resourceName = b.optionalText()
                call.remoteIpDetails = b.maybe { $0.remote() }
                call.parameters = b.optionalText()
                return call
            }
            action.kubernetesPermissionCheckedDetails = self.maybe {
                Finding.KubernetesPermissionCheckedDetails(
                    verb: $0.optionalText(), resource: $0.optionalText(), namespace: $0.optionalText(), allowed: $0.flag())
            }
            action.kubernetesRoleBindingDetails = self.maybe {
                Finding.KubernetesRoleBindingDetails(
                    kind: $0.optionalText(), name: $0.optionalText(), uid: $0.optionalText(), roleRefName: $0.optionalText(),
                    roleRefKind: $0.optionalText())
            }
            action.kubernetesRoleDetails = self.maybe {
                Finding.KubernetesRoleDetails(kind: $0.optionalText(), name: $0.optionalText(), uid: $0.optionalText())
            }
            return action
        }

        mutating func finding() -> Finding {
            var service = Finding.Service(
                action: self.action(),
                evidence: self.maybe { b in
                    Finding.Evidence(
                        threatIntelligenceDetails: b.list { Finding.ThreatIntelligenceDetail(threatListName: $0.text(), threatNames: $0.texts()) }
                            ?? [])
                },
                count: self.integer(), detectorId: self.text(), eventFirstSeen: self.text(), eventLastSeen: self.text(), resourceRole: self.text(),
                additionalInfo: self.maybe { Finding.AdditionalInfo(value: $0.text(), type: $0.text()) }, featureName: self.optionalText())
            service.archived = Bool.random(using: &self.random)
            service.userFeedback = self.optionalText()
            var finding = Finding(
                accountId: self.text(), arn: self.text(), createdAt: self.text(), description: self.text(), id: self.text(), region: self.text(),
                resource: self.resource(), service: service, severity: self.number(), title: self.text(), type: self.text(),
                updatedAt: self.text())
            finding.confidence = self.maybe { $0.number() }
            finding.partition = self.text()
            finding.schemaVersion = self.text()
            return finding
        }
    }

    /// The optional members left nil anywhere in `value` (`Indirect` members included), by path.
    static func unsetMembers(_ value: Any, path: String = "finding") -> [String] {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return [path] }
            return Self.unsetMembers(wrapped, path: path)
        }
        return mirror.children.flatMap { child in Self.unsetMembers(child.value, path: path + "." + (child.label ?? "[]")) }
    }

    @Test func aFindingWithEveryMemberSetIsWrittenAsJSONEncoderWritesIt() throws {
        var builder = Builder(random: Generator(state: 1), every: true)
        let finding = builder.finding()
        // Every optional member of every shape is set, so a member added to a shape without a line in its writer fails here.
        #expect(Self.unsetMembers(finding) == [])
        for pretty in [true, false] {
            #expect(Self.written(finding, pretty: pretty) == (try Self.encoded(finding, pretty: pretty)))
            let batch = AgentFindingBatch(detectorId: "12abc34d567e8fa901bc2d34e56789f0", findings: [finding, finding])
            #expect(Self.written(batch, pretty: pretty) == (try Self.encoded(batch, pretty: pretty)))
        }
    }

    @Test func randomFindingsAreWrittenAsJSONEncoderWritesThem() throws {
        for seed in UInt64(1)...2_000 {
            var builder = Builder(random: Generator(state: seed), every: false)
            let finding = builder.finding()
            let pretty = seed % 2 == 0
            let written = Self.written(finding, pretty: pretty)
            let encoded = try Self.encoded(finding, pretty: pretty)
            #expect(written == encoded, "seed \(seed)")
            if written != encoded { return }
        }
    }

    @Test func emptyContainersAndBatchesAreWrittenAsJSONEncoderWritesThem() throws {
        let empty = AgentFindingBatch(detectorId: "d", findings: [])
        for pretty in [true, false] {
            #expect(Self.written(empty, pretty: pretty) == (try Self.encoded(empty, pretty: pretty)))
            var writer = JSONTextWriter(pretty: pretty)
            writer.value([String]())
            #expect(String(decoding: writer.bytes, as: UTF8.self) == (try Self.encoded([String](), pretty: pretty)))
        }
    }

    @Test func numbersAreWrittenAsJSONEncoderWritesThem() throws {
        var random = Generator(state: 42)
        let edges: [Double] = [0, -0.0, 1, -1, 5, 8.9, 1e15 - 1, 1e15, 1e16, -1e15, 0.1, 1e-7, 5e-324, .greatestFiniteMagnitude, 2.5e-5]
        let randomDoubles = (0..<2_000).map { _ in Double(bitPattern: random.next()) }.filter(\.isFinite)
        for number in edges + randomDoubles {
            var writer = JSONTextWriter(pretty: false)
            writer.value(number)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == (try Self.encoded(number, pretty: false)), "\(number)")
        }
        for integer in [0, 1, -1, 9, 10, Int.max, Int.min, 1_234_567_890] {
            var writer = JSONTextWriter(pretty: false)
            writer.value(integer)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == (try Self.encoded(integer, pretty: false)))
        }
    }
}
