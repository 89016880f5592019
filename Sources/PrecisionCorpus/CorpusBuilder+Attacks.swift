/// The attacks injected on the last day, each recorded in the truth with the finding types that report it.
extension CorpusBuilder {
    /// Injects the attacks scheduled in the minute starting at `minute` (only on the last day).
    func attacks(_ minute: Int64) {
        let (day, minuteOfDay) = self.clock(minute)
        guard day == self.days - 1, let attack = self.attackSchedule[minuteOfDay] else { return }
        switch attack {
        case "ssh": self.sshBruteForce(minute)
        case "portscan": self.portscan(minute)
        case "sweep": self.portSweep(minute)
        case "tor": self.torClient(minute)
        case "mining": self.miningPool(minute)
        case "flood": self.tcpFlood(minute)
        case "spam": self.slowSpam(minute)
        case "exfiltration": self.dnsExfiltration(minute)
        case "dga": self.dgaBurst(minute)
        case "console": self.foreignConsoleLogin(minute)
        case "outside": self.stolenInstanceCredentials(minute, instance: self.victim("app-2"), from: CorpusAddresses.outsideAWS, outside: true)
        case "inside":
            self.stolenInstanceCredentials(minute, instance: self.victim("worker-6"), from: CorpusAddresses.otherAccountEC2, outside: false)
        case "volume": self.largeTransfer(minute)
        case "irc": self.ircConnection(minute)
        case "probe": self.elasticsearchProbe(minute)
        default: self.torAPICalls(minute)
        }
    }

    /// The last day's schedule (minute of day → attack): each attack at its base time plus up to 20 minutes drawn from the
    /// seed; the stolen console password at 11:11, 22 minutes after its owner's daily 10:49 sign-in.
    static func schedule(_ rng: inout SplitMix64) -> [Int: String] {
        let base = [
            (75, "ssh"), (160, "portscan"), (210, "sweep"), (260, "tor"), (310, "mining"), (360, "flood"), (480, "spam"), (540, "exfiltration"),
            (600, "dga"), (780, "outside"), (810, "inside"), (840, "volume"), (900, "irc"), (960, "probe"), (1020, "tor-api"),
        ]
        var schedule = [671: "console"]
        for (minute, attack) in base { schedule[minute + rng.int(0...20)] = attack }
        return schedule
    }

    /// The instance that plays an attack's victim in this seed: the workers and the applications are shuffled per seed.
    func victim(_ logical: String) -> CorpusInterface {
        self[self.victims[logical] ?? logical]
    }

    /// Records an attack on an instance.
    func record(_ name: String, _ types: [String], on interface: CorpusInterface, from start: Int64, to end: Int64, indicator: String) {
        self.attacks.append(
            CorpusTruth.Attack(
                name: name, acceptedTypes: types, instanceId: interface.instanceId, interfaceId: interface.interfaceId,
                relatedResources: interface.isPrivate ? [self.nat(for: interface).interfaceId] : [], start: start, end: end, indicator: indicator))
    }

    func sshBruteForce(_ minute: Int64) {
        let victim = self["bastion-1"]
        for index in 0..<240 {
            self.inbound(
                victim,
                .session(
                    from: CorpusAddresses.bruteForcer, self.rng.ephemeralPort(), to: "", 22, at: minute + Int64(index * 10 + self.rng.int(0...5)),
                    duration: 4, sent: 2400, received: 3100))
        }
        self.record(
            "SSH brute force", ["UnauthorizedAccess:EC2/SSHBruteForce"], on: victim, from: minute, to: minute + 2400,
            indicator: CorpusAddresses.bruteForcer)
    }

    func portscan(_ minute: Int64) {
        let scanner = self.victim("worker-1")
        let target = "185.141.63.120"
        for port in 1...1000 {
            self.outbound(
                scanner, .attempt(from: "", self.rng.ephemeralPort(), to: target, port, at: minute + Int64(port * 300 / 1000), reset: port % 3 == 0))
        }
        self.record("outbound port scan", ["Recon:EC2/Portscan"], on: scanner, from: minute, to: minute + 300, indicator: target)
    }

    func portSweep(_ minute: Int64) {
        let sweeper = self.victim("worker-2")
        let targets = (0..<400).map { _ in CorpusAddresses.client(&self.rng) }
        for (index, target) in targets.enumerated() {
            self.outbound(
                sweeper, .attempt(from: "", self.rng.ephemeralPort(), to: target, 23, at: minute + Int64(index * 900 / 400), reset: index % 4 == 0))
        }
        self.record("port sweep of 23/tcp", ["Impact:EC2/PortSweep"], on: sweeper, from: minute, to: minute + 900, indicator: targets[0])
    }

    func torClient(_ minute: Int64) {
        let client = self.victim("app-3")
        self.outbound(
            client,
            .session(
                from: "", self.rng.ephemeralPort(), to: CorpusAddresses.torRelay, 9001, at: minute, duration: 1800, sent: 2_000_000,
                received: 9_000_000))
        self.outbound(
            client,
            .session(
                from: "", self.rng.ephemeralPort(), to: CorpusAddresses.torRelay, 443, at: minute + 60, duration: 30, sent: 8000, received: 40000))
        self.record(
            "Tor client", ["UnauthorizedAccess:EC2/TorClient"], on: client, from: minute, to: minute + 1800, indicator: CorpusAddresses.torRelay)
    }

    func miningPool(_ minute: Int64) {
        let miner = self.victim("worker-3")
        let pool = CorpusAddresses.miningPools[0]
        self.dns(minute, miner, "xmr-eu1.nanopool.org", answers: [pool])
        self.outbound(
            miner,
            .session(from: "", self.rng.ephemeralPort(), to: pool, 3333, at: minute + 1, duration: 4 * 3600, sent: 3_000_000, received: 2_000_000))
        self.record(
            "cryptocurrency mining",
            ["CryptoCurrency:EC2/BitcoinTool.B", "CryptoCurrency:EC2/BitcoinTool.B!DNS", "Impact:EC2/BitcoinDomainRequest.Reputation"],
            on: miner, from: minute, to: minute + 4 * 3600, indicator: pool)
    }

    /// A modest connection flood (about 2,000 packets a second): 600 connections a minute for ten minutes, each record
    /// 150–250 packets (no record large on its own; about 120,000 packets a minute together).
    func tcpFlood(_ minute: Int64) {
        let source = self["web-2"]
        for second in 0..<600 {
            for _ in 0..<10 {
                let packets = self.rng.int(150...250)
                var flood = CorpusConnection.attempt(
                    from: "", self.rng.ephemeralPort(), to: CorpusAddresses.floodVictim, 80, at: minute + Int64(second), reset: false)
                flood.forwardPackets = packets
                flood.forwardBytes = packets * 60
                flood.replyPackets = self.rng.int(0...3)
                flood.replyBytes = flood.replyPackets * 40
                flood.reset = flood.replyPackets > 0
                self.outbound(source, flood)
            }
        }
        self.record(
            "TCP flood", ["Backdoor:EC2/DenialOfService.Tcp"], on: source, from: minute, to: minute + 600, indicator: CorpusAddresses.floodVictim)
    }

    /// A slow spam bot: an instance with no port-25 history sending to four MX hosts an hour for six hours.
    func slowSpam(_ minute: Int64) {
        let bot = self.victim("worker-4")
        for hour in 0..<6 {
            for index in 0..<4 {
                let target = CorpusAddresses.spamTargets[(hour * 4 + index) % CorpusAddresses.spamTargets.count]
                self.outbound(
                    bot,
                    .session(
                        from: "", self.rng.ephemeralPort(), to: target, 25, at: minute + Int64(hour * 3600 + index * 700), duration: 3, sent: 14000,
                        received: 900))
            }
        }
        self.record(
            "slow spam bot", ["Backdoor:EC2/Spambot"], on: bot, from: minute, to: minute + 6 * 3600, indicator: CorpusAddresses.spamTargets[0])
    }
}
