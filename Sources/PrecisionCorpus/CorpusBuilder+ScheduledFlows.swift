/// The benign network classes that run on a schedule: mail, nightly backups, CI jobs, cron, package updates, SSH.
extension CorpusBuilder {
    /// The company mail relay: messages to many recipients' MX hosts on port 25 during the working day, every day,
    /// and the applications handing it mail on 587.
    func mailRelay(_ minute: Int64) {
        let relay = self["mail-1"]
        for _ in 0..<self.rng.count(mean: 0.5) {
            let at = self.second(in: minute)
            let size = self.rng.int(4000...90_000)
            self.within(
                from: self.rng.pick(self.instances("app")), to: relay,
                .session(from: "", self.rng.ephemeralPort(), to: "", 587, at: at, sent: size, received: 700))
            self.outbound(
                relay,
                .session(
                    from: "", self.rng.ephemeralPort(), to: self.rng.pick(CorpusAddresses.mxHosts), 25, at: at + 1, duration: 2, sent: size,
                    received: 900))
        }
    }

    /// apt at 06:25 on every instance at once: the Debian mirror over HTTP (port 80), then HTTPS mirrors.
    func packageUpdates(_ minute: Int64) {
        for instance in self.instanceInterfaces {
            for index in 0..<self.rng.int(3...6) {
                let remote =
                    index == 0 ? CorpusAddresses.debianMirror : self.rng.pick(CorpusAddresses.mirrors.filter { $0 != CorpusAddresses.debianMirror })
                self.outbound(
                    instance,
                    .session(
                        from: "", self.rng.ephemeralPort(), to: remote, index == 0 ? 80 : 443, at: minute + Int64(index * 2 + self.rng.int(0...1)),
                        duration: 4, sent: 1500, received: self.rng.int(20_000...3_000_000)))
            }
        }
    }

    /// A CI job: dozens of downloads from package mirrors and CDNs within three minutes, and git over SSH to GitHub.
    func ciJob(_ runner: CorpusInterface, _ minute: Int64) {
        for _ in 0..<self.rng.int(30...80) {
            let remote = self.rng.chance(0.7) ? self.rng.pick(CorpusAddresses.mirrors) : self.rng.pick(CorpusAddresses.cdns)
            self.outbound(
                runner,
                .session(
                    from: "", self.rng.ephemeralPort(), to: remote, 443, at: minute + Int64(self.rng.int(0...179)),
                    duration: Int64(self.rng.int(1...15)),
                    sent: 2000, received: self.rng.int(10_000...20_000_000)))
        }
        self.outbound(
            runner,
            .session(from: "", self.rng.ephemeralPort(), to: "140.82.112.3", 22, at: minute + 5, duration: 8, sent: 20_000, received: 6_000_000))
        // The end-to-end tests start headless Chrome, whose intranet-redirect detector asks for three random single-label
        // names (NXDOMAIN, also with the VPC's search domain appended).
        for _ in 0..<3 {
            let label = self.rng.string(self.rng.int(7...15), from: "abcdefghijklmnopqrstuvwxyz")
            self.dns(minute + 60, runner, label, rcode: "NXDOMAIN", answers: [])
            self.dns(minute + 60, runner, "\(label).ec2.internal", rcode: "NXDOMAIN", answers: [])
        }
    }

    /// Instances that keep time with public NTP pools (UDP 123) instead of the Amazon Time Sync Service.
    func publicNTP(_ minute: Int64) {
        for instance in self.instances("ci-runner") + self.instances("mail-relay") + self.instances("dns-server") {
            self.outbound(
                instance,
                .datagram(
                    from: "", self.rng.ephemeralPort(), to: self.rng.pick(["162.159.200.1", "162.159.200.123", "129.6.15.28", "216.239.35.4"]), 123,
                    at: self.second(in: minute), sent: 48, received: 48))
        }
    }

    /// Nightly backups: the database to the backup instance (01:30), the backup instance to S3 (02:00) and the second
    /// database to its off-site peer over SSH (02:30); large volumes, long connections, every night.
    func backups(_ minute: Int64, minuteOfDay: Int) {
        switch minuteOfDay {
        case 90:
            self.within(
                from: self["db-1"], to: self["backup-1"],
                .session(from: "", self.rng.ephemeralPort(), to: "", 873, at: minute, duration: 1500, sent: 2_000_000_000, received: 4_000_000))
        case 120:
            for _ in 0..<12 {
                var upload = CorpusConnection.session(
                    from: "", self.rng.ephemeralPort(), to: CorpusAddresses.s3(&self.rng), 443, at: minute + Int64(self.rng.int(0...600)),
                    duration: Int64(self.rng.int(300...900)), sent: self.rng.int(300_000_000...600_000_000), received: 400_000)
                upload.remoteService = "S3"
                self.outbound(self["backup-1"], upload)
            }
        default:
            self.outbound(
                self["db-2"],
                .session(
                    from: "", self.rng.ephemeralPort(), to: CorpusAddresses.backupPeer, 22, at: minute, duration: 2400,
                    sent: self.rng.int(2_500_000_000...3_500_000_000), received: 8_000_000))
        }
    }

    /// An engineer at the office on SSH to the bastion for a while, and from there to an internal instance.
    func bastionSession(_ minute: Int64) {
        let bastion = self["bastion-1"]
        let duration = Int64(self.rng.int(600...5400))
        self.inbound(
            bastion,
            .session(
                from: "\(CorpusAddresses.office).\(self.rng.int(10...60))", self.rng.ephemeralPort(), to: "", 22, at: minute, duration: duration,
                sent: 400_000, received: 2_000_000))
        let target = self.rng.pick(self.instanceInterfaces.filter { $0.isPrivate })
        self.within(
            from: bastion, to: target,
            .session(from: "", self.rng.ephemeralPort(), to: "", 22, at: minute + 30, duration: duration - 60, sent: 300_000, received: 1_500_000))
    }

    /// The cron host's hourly jobs: a burst of API calls to a dozen services within the minute (a large one at 03:00).
    func cronBurst(_ minute: Int64, size: Int) {
        let cron = self["cron-1"]
        let targets = CorpusAddresses.apis + CorpusAddresses.awsEndpoints
        for _ in 0..<size {
            let toS3 = self.rng.chance(0.2)
            var session = CorpusConnection.session(
                from: "", self.rng.ephemeralPort(), to: toS3 ? CorpusAddresses.s3(&self.rng) : self.rng.pick(targets), 443,
                at: self.second(in: minute),
                sent: 1200, received: self.rng.int(800...60_000))
            if toS3 { session.remoteService = "S3" }
            self.outbound(cron, session)
        }
    }
}
