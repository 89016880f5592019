import Foundation

/// The state of one corpus being generated: the VPC's interfaces, the account's principals, the random stream and the
/// files. The benign classes and the attacks are its extensions; `CorpusGenerator` drives it minute by minute.
final class CorpusBuilder {
    let accountId = "111122223333"
    let region = "us-east-1"
    let vpcId = "vpc-0c0ffee0c0ffee000"
    let start: Int64
    let days: Int
    let density: Double
    var rng: SplitMix64
    let files: CorpusFiles
    let emitter: FlowEmitter
    private(set) var interfaces: [CorpusInterface] = []
    private(set) var byName: [String: CorpusInterface] = [:]
    var attacks: [CorpusTruth.Attack] = []
    var principals: [CorpusTruth.Asset] = []
    /// The Elastic IPs of the NAT gateways, in order.
    var natAddresses: [String] = []
    /// The webhook receivers of the account's customers.
    var customerHosts: [String] = []
    /// The last day's attacks by minute of day, and which instance plays each logical victim ("worker-3" → "worker-6").
    var attackSchedule: [Int: String] = [:]
    var victims: [String: String] = [:]
    /// The EKS cluster's API endpoint label (32 hex digits).
    var eksCluster = ""

    init(seed: UInt64, days: Int, instances: Int, density: Double, root: URL, start: Int64) throws {
        self.start = start
        self.days = days
        self.density = density
        self.rng = SplitMix64(seed: seed)
        self.files = try CorpusFiles(root: root, accountId: self.accountId, region: self.region)
        self.emitter = FlowEmitter(files: self.files, accountId: self.accountId, region: self.region, vpcId: self.vpcId)
        self.buildTopology(instances: max(30, instances))
        self.customerHosts = (0..<110).map { _ in CorpusAddresses.client(&self.rng) }
        self.eksCluster = self.rng.hex(32).uppercased()
        self.attackSchedule = Self.schedule(&self.rng)
        for group in [self.instances("worker").map(\.name), ["app-2", "app-3", "app-4"]] {
            for (logical, actual) in zip(group, group.shuffled(using: &self.rng)) { self.victims[logical] = actual }
        }
    }

    /// The instances' roles: the fixed services, then workers up to `instances`.
    static let roles: [(name: String, role: String, public: Bool)] = [
        ("web-1", "web", true), ("web-2", "web", true), ("web-3", "web-behind-elb", false), ("web-4", "web-behind-elb", false),
        ("app-1", "app", false), ("app-2", "app", false), ("app-3", "app", false), ("app-4", "app", false),
        ("hooks-1", "webhooks", true), ("db-1", "database", false), ("db-2", "database", false), ("backup-1", "backup", false),
        ("mail-1", "mail-relay", true), ("bastion-1", "bastion", true), ("dns-1", "dns-server", true), ("ci-1", "ci-runner", false),
        ("ci-2", "ci-runner", false), ("mon-1", "monitoring", true), ("cron-1", "cron", false), ("eks-1", "eks-node", false),
        ("eks-2", "eks-node", false), ("eks-3", "eks-node", false),
    ]

    private func buildTopology(instances: Int) {
        var roles = Self.roles
        for index in 1...(instances - roles.count) { roles.append(("worker-\(index)", "worker", false)) }
        var publicIndex = 2
        for (index, entry) in roles.enumerated() {
            let subnet = entry.public ? "subnet-0a1b2c3d4e5f60001" : "subnet-0a1b2c3d4e5f6000\(2 + index % 2)"
            let address = entry.public ? "10.0.0.\(20 + index)" : "10.0.\(1 + index % 2).\(20 + index)"
            var publicAddress: String? = nil
            if entry.public {
                publicAddress = CorpusAddresses.elasticIPs[publicIndex]
                publicIndex += 1
            }
            self.add(
                CorpusInterface(
                    name: entry.name, role: entry.role, interfaceId: "eni-0\(self.rng.hex(16))", instanceId: "i-0\(self.rng.hex(16))",
                    privateAddress: address, publicAddress: publicAddress, subnetId: subnet, custom: index % 2 == 0,
                    interval: index % 7 == 3 ? 600 : 60, isPrivate: !entry.public))
        }
        for index in 0..<2 {
            self.natAddresses.append(CorpusAddresses.elasticIPs[index])
            self.add(
                CorpusInterface(
                    name: "nat-\(index + 1)", role: "nat-gateway", interfaceId: "eni-0\(self.rng.hex(16))", instanceId: nil,
                    privateAddress: "10.0.0.\(5 + index)", publicAddress: CorpusAddresses.elasticIPs[index], subnetId: "subnet-0a1b2c3d4e5f60001",
                    custom: index == 0, interval: 60, isPrivate: false))
            self.add(
                CorpusInterface(
                    name: "alb-\(index + 1)", role: "load-balancer", interfaceId: "eni-0\(self.rng.hex(16))", instanceId: nil,
                    privateAddress: "10.0.0.\(10 + index)", publicAddress: nil, subnetId: "subnet-0a1b2c3d4e5f60001", custom: index == 1,
                    interval: 60, isPrivate: false))
        }
    }

    private func add(_ interface: CorpusInterface) {
        self.interfaces.append(interface)
        self.byName[interface.name] = interface
    }

    subscript(_ name: String) -> CorpusInterface { self.byName[name]! }

    /// Instances with `role`.
    func instances(_ role: String) -> [CorpusInterface] { self.interfaces.filter { $0.role == role } }

    /// Every interface that belongs to an instance.
    var instanceInterfaces: [CorpusInterface] { self.interfaces.filter { $0.instanceId != nil } }

    /// The NAT gateway a private instance goes out through.
    func nat(for interface: CorpusInterface) -> CorpusInterface {
        self[Int(interface.privateAddress.split(separator: ".")[2]) == 1 ? "nat-1" : "nat-2"]
    }

    /// How many events of a class with `perMinute` at full density happen in one minute.
    func events(perMinute: Double) -> Int {
        self.rng.count(mean: perMinute * self.density)
    }

    // MARK: connections

    /// A connection an instance opens to a public address: out through the internet gateway, or through its NAT
    /// gateway (whose interface logs both legs, the second from its own address).
    func outbound(_ interface: CorpusInterface, _ connection: CorpusConnection) {
        var connection = connection
        connection.initiator = interface.privateAddress
        // S3 through the VPC's gateway endpoint (traffic-path 7) does not pass the NAT gateway.
        guard interface.isPrivate, connection.remoteService != "S3" else {
            self.emitter.emit(connection, at: interface, localIsInitiator: true, path: connection.remoteService == "S3" ? 7 : 8)
            return
        }
        self.emitter.emit(connection, at: interface, localIsInitiator: true, path: 1)
        let nat = self.nat(for: interface)
        self.emitter.emit(connection, at: nat, localIsInitiator: false, path: 1)
        var translated = connection
        translated.initiator = nat.privateAddress
        translated.initiatorPort = self.rng.int(1024...65535)
        self.emitter.emit(translated, at: nat, localIsInitiator: true, path: 8)
    }

    /// A connection a public address opens to an interface.
    func inbound(_ interface: CorpusInterface, _ connection: CorpusConnection) {
        var connection = connection
        connection.responder = interface.privateAddress
        self.emitter.emit(connection, at: interface, localIsInitiator: false, path: 8)
    }

    /// A connection between two interfaces of the VPC: both flow logs record it.
    func within(from client: CorpusInterface, to server: CorpusInterface, _ connection: CorpusConnection) {
        var connection = connection
        connection.initiator = client.privateAddress
        connection.responder = server.privateAddress
        self.emitter.emit(connection, at: client, localIsInitiator: true, path: 1)
        self.emitter.emit(connection, at: server, localIsInitiator: false, path: 1)
    }

    /// Whether a burst of a bursty class happens this time: always at full density, less often (never below `floor`)
    /// in smaller corpora, so that a burst keeps its size and shape.
    func burst(floor: Double) -> Bool {
        self.rng.chance(min(1, max(self.density, floor)))
    }

    /// A second within `minute` (Unix seconds of its start).
    func second(in minute: Int64) -> Int64 { minute + Int64(self.rng.int(0...59)) }

    /// The day index and minute of day of a time.
    func clock(_ time: Int64) -> (day: Int, minute: Int) {
        let offset = time - self.start
        return (Int(offset / 86400), Int(offset % 86400 / 60))
    }
}
