import Foundation
import Logging
import PostgresNIO

/// A private PostgreSQL cluster under `DATA_DIR/postgres`, run with the server binaries Debian's
/// `postgresql` package installs. Used when no `--database-url`/`DATABASE_URL` is given.
///
/// PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` system user and
/// every PostgreSQL command runs through `runuser`. When that user cannot reach the data dir (a home
/// directory closed to others), the cluster lives under `/var/tmp/guardpost-clusters/` instead and
/// `DATA_DIR/postgres` is a symbolic link to it.
public struct EmbeddedPostgres: Sendable {
    public let dataDir: String
    let logger: Logger

    public init(dataDir: String, logger: Logger) {
        self.dataDir = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        self.logger = logger
    }

    var linkPath: String { "\(self.dataDir)/postgres" }
    var passwordPath: String { "\(self.dataDir)/postgres.password" }
    static let user = "guardpost"
    static let database = "postgres"

    /// What `start` found or did.
    public struct Running: Sendable {
        public var configuration: PostgresClient.Configuration
        public var port: Int
        /// True when this call started the cluster, so the caller stops it when done.
        public var startedHere: Bool
        public var clusterDir: String
    }

    /// Initialises the cluster when needed and starts it unless it already runs; returns how to connect.
    public func start() throws -> Running {
        // The data directory holds the server key and the database password: private to its owner.
        if !FileManager.default.fileExists(atPath: self.dataDir) {
            try FileManager.default.createDirectory(atPath: self.dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let bin = try Self.binDirectory()
        let clusterDir = try self.prepareClusterDirectory()
        if !FileManager.default.fileExists(atPath: "\(clusterDir)/PG_VERSION") {
            try self.initialise(clusterDir: clusterDir, bin: bin)
        }
        let password = try String(contentsOfFile: self.passwordPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        if let port = self.runningPort(clusterDir: clusterDir, bin: bin) {
            return Running(configuration: Self.configuration(port: port, password: password), port: port, startedHere: false, clusterDir: clusterDir)
        }
        var lastError = ""
        for _ in 0..<12 {
            // Below the ephemeral range (32768+), so a client socket never holds our port.
            let port = Int.random(in: 20_000..<32_000)
            let options = "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200 -c fsync=on"
            let result = try self.run(
                "\(bin)/pg_ctl", ["start", "-w", "-t", "60", "-D", clusterDir, "-l", "\(clusterDir)/server.log", "-o", options]
            )
            if result.status == 0 {
                self.logger.info("embedded PostgreSQL started", metadata: ["port": "\(port)", "clusterDir": "\(clusterDir)"])
                return Running(
                    configuration: Self.configuration(port: port, password: password), port: port, startedHere: true, clusterDir: clusterDir)
            }
            lastError = result.output + ((try? String(contentsOfFile: "\(clusterDir)/server.log", encoding: .utf8))?.suffix(600) ?? "")
            if !lastError.contains("already in use") && !lastError.contains("could not bind") && !lastError.contains("could not create") {
                break
            }
        }
        throw MigrationError(description: "could not start the embedded PostgreSQL in \(clusterDir): \(lastError)")
    }

    /// Stops the cluster (fast shutdown: open sessions are ended, committed data is kept).
    public func stop() {
        guard let bin = try? Self.binDirectory() else { return }
        let clusterDir = (try? FileManager.default.destinationOfSymbolicLink(atPath: self.linkPath)) ?? self.linkPath
        _ = try? self.run("\(bin)/pg_ctl", ["stop", "-w", "-m", "fast", "-D", clusterDir])
        self.logger.info("embedded PostgreSQL stopped", metadata: ["clusterDir": "\(clusterDir)"])
    }

    static func configuration(port: Int, password: String) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: "127.0.0.1", port: port, username: Self.user, password: password, database: Self.database, tls: .disable
        )
        configuration.options.maximumConnections = 24
        return configuration
    }

    /// The PostgreSQL server binaries: `pg_ctl` in PATH, else the newest `/usr/lib/postgresql/*/bin`.
    static func binDirectory() throws -> String {
        var candidates: [String] = []
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        for entry in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append(String(entry))
        }
        for directory in candidates
        where FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl")
            && FileManager.default.isExecutableFile(atPath: "\(directory)/initdb")
        {
            return directory
        }
        throw MigrationError(
            description: """
                no PostgreSQL server binaries found (pg_ctl, initdb in PATH or /usr/lib/postgresql/*/bin): \
                install Debian's postgresql package (apt-get install -y postgresql) or pass --database-url
                """)
    }

    var runsAsRoot: Bool { getuid() == 0 }

    /// Creates the cluster directory, deciding where it lives when running as root.
    private func prepareClusterDirectory() throws -> String {
        let manager = FileManager.default
        if let target = try? manager.destinationOfSymbolicLink(atPath: self.linkPath) {
            return target
        }
        if manager.fileExists(atPath: self.linkPath) || !self.runsAsRoot {
            try manager.createDirectory(atPath: self.linkPath, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if self.runsAsRoot { _ = try self.run("/bin/chown", ["-R", "postgres:postgres", self.linkPath], asPostgres: false) }
            return self.linkPath
        }
        // As root: the postgres user must be able to reach the directory.
        let reachable = try self.run("/usr/bin/test", ["-x", self.dataDir]).status == 0
        var clusterDir = self.linkPath
        if !reachable {
            // A directory root owns (checked: not a link, not someone else's), and in it a new directory of a random
            // name, created exclusively and private to postgres; the data dir's link records where it is.
            let base = "/var/tmp/guardpost-clusters"
            if !manager.fileExists(atPath: base) {
                try manager.createDirectory(atPath: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
            }
            var status = stat()
            guard lstat(base, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR, status.st_uid == 0, (status.st_mode & 0o022) == 0 else {
                throw MigrationError(description: "\(base) must be a directory owned by root and not writable by others")
            }
            let name = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            clusterDir = "\(base)/\(name)"
            try manager.createDirectory(atPath: clusterDir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try manager.createSymbolicLink(atPath: self.linkPath, withDestinationPath: clusterDir)
        } else {
            try manager.createDirectory(atPath: clusterDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        _ = try self.run("/bin/chown", ["-R", "postgres:postgres", clusterDir], asPostgres: false)
        return clusterDir
    }

    private func initialise(clusterDir: String, bin: String) throws {
        var bytes = [UInt8](repeating: 0, count: 24)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let password = bytes.map { String(format: "%02x", $0) }.joined()
        FileManager.default.createFile(atPath: self.passwordPath, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600])
        let pwfile = "\(clusterDir).pwfile"
        FileManager.default.createFile(atPath: pwfile, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600])
        if self.runsAsRoot { _ = try self.run("/bin/chown", ["postgres:postgres", pwfile], asPostgres: false) }
        defer { try? FileManager.default.removeItem(atPath: pwfile) }
        // initdb wants an empty directory.
        let result = try self.run(
            "\(bin)/initdb",
            ["-D", clusterDir, "-U", Self.user, "--pwfile=\(pwfile)", "-A", "scram-sha-256", "-E", "UTF8", "--locale=C"]
        )
        guard result.status == 0 else {
            throw MigrationError(description: "initdb failed for \(clusterDir): \(result.output)")
        }
        self.logger.info("embedded PostgreSQL cluster initialised", metadata: ["clusterDir": "\(clusterDir)"])
    }

    /// The port of the cluster when its postmaster is alive.
    private func runningPort(clusterDir: String, bin: String) -> Int? {
        guard let status = try? self.run("\(bin)/pg_ctl", ["status", "-D", clusterDir]), status.status == 0,
            let pidFile = try? String(contentsOfFile: "\(clusterDir)/postmaster.pid", encoding: .utf8)
        else { return nil }
        let lines = pidFile.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 3 else { return nil }
        return Int(lines[3].trimmingCharacters(in: .whitespaces))
    }

    /// Runs a command (as the `postgres` user when we are root and `asPostgres`), returning its status and output.
    /// Uses posix_spawn and waitpid directly, with output to a temporary file: the postmaster that `pg_ctl start`
    /// leaves behind must not hold a pipe of ours open, and the child must be reaped whatever thread we are on.
    @discardableResult
    func run(_ executable: String, _ arguments: [String], asPostgres: Bool = true) throws -> (status: Int32, output: String) {
        // `env -C /`: PostgreSQL's tools fail when the postgres user cannot read the current directory.
        let command = ["/usr/bin/env", "-C", "/", executable] + arguments
        let argv = (self.runsAsRoot && asPostgres) ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command
        let outputPath = NSTemporaryDirectory() + "guardpost-cmd-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw MigrationError(description: "could not run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitCode, output)
    }
}
