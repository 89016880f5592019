/// The benign network classes: what an ordinary account's flow logs hold minute by minute.
extension CorpusBuilder {
    /// Every benign flow class for the minute starting at `minute`.
    func benignFlows(_ minute: Int64) {
        let (day, minuteOfDay) = self.clock(minute)
        self.websiteVisitors(minute)
        self.loadBalancers(minute)
        self.outboundAPIs(minute)
        if minuteOfDay % 10 == 3, self.burst(floor: 0.05) { self.webhooks(minute) }
        self.authoritativeDNS(minute)
        self.internetNoise(minute)
        if minuteOfDay % 60 == 0 {
            self.monitoringScrapes(minute)
            self.databasePools(minute)
            if minuteOfDay == 180 || self.burst(floor: 0.15) { self.cronBurst(minute, size: minuteOfDay == 180 ? 120 : self.rng.int(20...40)) }
        }
        if (7 * 60..<19 * 60).contains(minuteOfDay) { self.mailRelay(minute) }
        if minuteOfDay % 17 == 0 { self.publicNTP(minute) }
        if minuteOfDay == 6 * 60 + 25 { self.packageUpdates(minute) }
        if minuteOfDay % 20 == 7, day % 7 < 5 || self.rng.chance(0.3), self.burst(floor: 0.08) {
            self.ciJob(self.rng.pick(self.instances("ci-runner")), minute)
        }
        if minuteOfDay == 90 || minuteOfDay == 120 || minuteOfDay == 150 { self.backups(minute, minuteOfDay: minuteOfDay) }
        if (8 * 60..<18 * 60).contains(minuteOfDay), self.rng.chance(1.0 / 90) { self.bastionSession(minute) }
    }

    /// Visitors of the public website (a few through Tor): completed HTTPS sessions, the replies to their ephemeral ports.
    func websiteVisitors(_ minute: Int64) {
        for web in self.instances("web") {
            for _ in 0..<self.events(perMinute: 6) {
                let client = self.rng.chance(0.03) ? self.rng.pick(CorpusAddresses.torExits) : CorpusAddresses.client(&self.rng)
                let long = self.rng.chance(0.03)
                var session = CorpusConnection.session(
                    from: client, self.rng.ephemeralPort(), to: "", self.rng.chance(0.1) ? 80 : 443, at: self.second(in: minute),
                    duration: long ? Int64(self.rng.int(120...1800)) : Int64(self.rng.int(1...20)), sent: self.rng.int(400...3000),
                    received: self.rng.int(4000...250_000))
                if session.responderPort == 80 { session.replyBytes = 900 }
                self.inbound(web, session)
            }
        }
    }

    /// Public clients through the load balancers to the web servers behind them, and the balancers' health checks.
    func loadBalancers(_ minute: Int64) {
        let targets = self.instances("web-behind-elb")
        for alb in [self["alb-1"], self["alb-2"]] {
            for _ in 0..<self.events(perMinute: 3) {
                let at = self.second(in: minute)
                let received = self.rng.int(3000...120_000)
                self.inbound(
                    alb,
                    .session(
                        from: CorpusAddresses.client(&self.rng), self.rng.ephemeralPort(), to: "", 443, at: at, sent: self.rng.int(400...2500),
                        received: received))
                self.within(
                    from: alb, to: self.rng.pick(targets),
                    .session(from: "", self.rng.ephemeralPort(), to: "", 8080, at: at, sent: self.rng.int(400...2500), received: received))
            }
            for target in targets {
                for _ in 0..<self.rng.count(mean: max(self.density, 0.05)) {
                    self.within(
                        from: alb, to: target,
                        .session(from: "", self.rng.ephemeralPort(), to: "", 8080, at: self.second(in: minute), sent: 120, received: 180))
                }
            }
        }
    }

    /// Private instances calling AWS endpoints, third-party APIs and CDNs through their NAT gateway; the monitoring
    /// agents' pushes.
    func outboundAPIs(_ minute: Int64) {
        for instance in self.instanceInterfaces {
            let perMinute = instance.role == "app" || instance.role == "worker" || instance.role == "eks-node" ? 0.4 : 0.1
            for _ in 0..<self.events(perMinute: perMinute) {
                let service = self.rng.int(0..<10)
                let remote =
                    service < 4
                    ? self.rng.pick(CorpusAddresses.apis)
                    : service < 7 ? self.rng.pick(CorpusAddresses.awsEndpoints) : self.rng.pick(CorpusAddresses.cdns)
                var session = CorpusConnection.session(
                    from: "", self.rng.ephemeralPort(), to: remote, 443, at: self.second(in: minute), duration: Int64(self.rng.int(1...40)),
                    sent: self.rng.int(500...8000), received: self.rng.int(1000...400_000))
                if (4..<7).contains(service) { session.remoteService = "AMAZON" }
                self.outbound(instance, session)
            }
        }
    }

    /// The webhook sender's batch every ten minutes: completed HTTPS POSTs to about 100 customer hosts.
    func webhooks(_ minute: Int64) {
        let sender = self["hooks-1"]
        for _ in 0..<self.rng.int(90...110) {
            let customer = self.customerHosts[self.rng.int(0..<self.customerHosts.count)]
            self.outbound(
                sender,
                .session(
                    from: "", self.rng.ephemeralPort(), to: customer, 443, at: minute + Int64(self.rng.int(0...299)), sent: self.rng.int(1500...9000),
                    received: self.rng.int(150...900)))
        }
    }

    /// The company's authoritative DNS server answering public resolvers (replies go to their ephemeral ports).
    func authoritativeDNS(_ minute: Int64) {
        let server = self["dns-1"]
        for _ in 0..<self.events(perMinute: 3) {
            let resolver = self.rng.chance(0.7) ? self.rng.pick(CorpusAddresses.resolvers) : CorpusAddresses.client(&self.rng)
            self.inbound(
                server, .datagram(from: resolver, self.rng.ephemeralPort(), to: "", 53, at: self.second(in: minute), sent: 40, received: 120))
        }
    }

    /// The internet's background scanning of public addresses: rejected SYNs to closed ports, and a few SSH login
    /// attempts on the bastion (open to the world).
    func internetNoise(_ minute: Int64) {
        for interface in self.interfaces where interface.publicAddress != nil && interface.instanceId != nil {
            for _ in 0..<self.rng.count(mean: 0.3) {
                var probe = CorpusConnection.attempt(
                    from: CorpusAddresses.client(&self.rng), self.rng.ephemeralPort(), to: "",
                    self.rng.pick([23, 445, 3389, 1433, 5900, 6379, 8080, 8443, 2375, 9200]), at: self.second(in: minute), reset: false)
                probe.forwardPackets = 1
                probe.forwardBytes = 44
                probe.accepted = false
                if interface.role == "monitoring" && probe.responderPort == 9200 { probe.responderPort = 9300 }
                self.inbound(interface, probe)
            }
        }
        if self.rng.chance(0.05) {
            let bastion = self["bastion-1"]
            let attacker = CorpusAddresses.client(&self.rng)
            for _ in 0..<self.rng.int(1...3) {
                self.inbound(
                    bastion,
                    .session(
                        from: attacker, self.rng.ephemeralPort(), to: "", 22, at: self.second(in: minute), duration: 3, sent: 1800, received: 2600))
            }
        }
    }

    /// The monitoring server scraping node exporters: one keep-alive connection per target for the hour.
    func monitoringScrapes(_ hour: Int64) {
        let monitor = self["mon-1"]
        let targets = self.instanceInterfaces.filter { $0.name != "mon-1" }.prefix(max(1, Int(12 * self.density)))
        for target in targets {
            var scrape = CorpusConnection.session(
                from: "", 40000 + Int(hour / 3600 % 20000), to: "", 9100, at: hour, duration: 3599, sent: 60 * 300, received: 60 * 14000)
            scrape.forwardPackets = 240
            scrape.replyPackets = 720
            self.within(from: monitor, to: target, scrape)
        }
        for app in self.instances("app").prefix(2) where self.burst(floor: 0.1) {
            self.within(
                from: app, to: monitor,
                .session(from: "", self.rng.ephemeralPort(), to: "", 9200, at: hour + 300, duration: 3000, sent: 400_000, received: 2_000_000))
        }
    }

    /// Connection pools of the applications to the databases, renewed every hour.
    func databasePools(_ hour: Int64) {
        for app in self.instances("app") where self.burst(floor: 0.1) {
            let database = self[app.name == "app-1" || app.name == "app-3" ? "db-1" : "db-2"]
            self.within(
                from: app, to: database,
                .session(
                    from: "", self.rng.ephemeralPort(), to: "", 5432, at: hour + Int64(self.rng.int(0...30)), duration: 3500, sent: 3_000_000,
                    received: 9_000_000))
        }
    }
}
