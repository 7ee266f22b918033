import Foundation
import Logging
import PostgresNIO
import Processes
import Store

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private PostgreSQL cluster kept in one folder, listening on a free loopback port.
///
///     let postgres = EmbeddedPostgres(directory: home + "/postgres", logger: logger)
///     let config = try await postgres.start()   // initdb on first use, then CREATE DATABASE kiln
///     ... ; try await postgres.stop()
///
/// Layout: `<directory>/data` (the cluster), `<directory>/server.log` and `<directory>/secret`
/// (the superuser's password, mode 0600, owned by Kiln's user). The cluster is private: SCRAM-SHA-256
/// password authentication only (no `trust`), TCP on 127.0.0.1, no Unix socket. When the process
/// runs as root, `initdb`/`pg_ctl` run as the `postgres` user through `runuser`, the folder is
/// chowned to it (mode 0700) and every parent folder is checked to be enterable by it.
package actor EmbeddedPostgres {
    /// How the cluster is created and started.
    package struct Options: Sendable {
        /// fsync and full-page writes on (the default). Off is only for throwaway test clusters.
        package var durable: Bool
        /// The superuser `initdb` creates (password authentication with the secret).
        package var username: String
        /// The database created when missing.
        package var database: String
        /// Folder with initdb/pg_ctl; nil searches /usr/lib/postgresql/*/bin (newest first).
        package var binDirectory: String?
        /// The user that runs PostgreSQL when we are root.
        package var systemUser: String
        /// Seconds `pg_ctl -w` waits for startup.
        package var startTimeout: Int

        package init(
            durable: Bool = true, username: String = "kiln", database: String = "kiln",
            binDirectory: String? = nil, systemUser: String = "postgres", startTimeout: Int = 60
        ) {
            self.durable = durable
            self.username = username
            self.database = database
            self.binDirectory = binDirectory
            self.systemUser = systemUser
            self.startTimeout = startTimeout
        }
    }

    /// The absolute folder holding the cluster.
    package nonisolated let directory: String
    package nonisolated let options: Options
    private let logger: Logger
    private var current: DatabaseConfig?
    private var startedHere = false

    /// The cluster's data folder (`<directory>/data`).
    package nonisolated var dataDirectory: String { directory + "/data" }
    /// The server's log file.
    package nonisolated var logFile: String { directory + "/server.log" }
    /// The superuser's password (mode 0600, Kiln's user only), generated on first start.
    package nonisolated var secretFile: String { directory + "/secret" }

    package init(
        directory: String, options: Options = Options(),
        logger: Logger = Logger(label: "kiln.postgres")
    ) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.options = options
        self.logger = logger
    }

    /// The folder for `KILN_HOME`: `<home>/postgres`, or, when we are root and the user that runs
    /// PostgreSQL cannot enter a folder above it (a clone under `/root`, mode 0700), a folder of
    /// its own under `fallbackRoot` named after the home's absolute path, so the same home always
    /// finds the same cluster.
    package static func directory(
        home: String, options: Options = Options(), fallbackRoot: String = "/var/lib/kiln"
    ) -> String {
        let homePath = URL(fileURLWithPath: home).standardizedFileURL.path
        let preferred = homePath + "/postgres"
        // Folders still missing are made by us, enterable; the existing ones decide.
        var existing = URL(fileURLWithPath: preferred)
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            existing.deleteLastPathComponent()
        }
        guard let identity = try? Self.identity(options),
            identity.firstUnenterableAncestor(of: existing.path + "/postgres") != nil
        else { return preferred }
        return fallbackRoot + "/postgres-" + stableHash(homePath)
    }

    /// FNV-1a (64 bit) of `text` in hex: stable across runs and machines, unlike `hashValue`.
    static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// Creates the cluster if needed, starts it (or reuses one already running from this folder),
    /// waits until it accepts connections and makes sure the database exists.
    package func start() async throws -> DatabaseConfig {
        if let current { return current }
        let bin = try Self.binDirectory(options.binDirectory)
        let identity = try Self.identity(options)
        try prepareDirectory(identity)
        let secret = try Self.loadOrCreateSecret(at: secretFile)
        try await initializeIfNeeded(bin: bin, identity: identity, secret: secret)

        var config: DatabaseConfig?
        if let port = runningPort() {
            let candidate = DatabaseConfig(
                host: "127.0.0.1", port: port, username: options.username, password: secret,
                database: options.database)
            if await Self.canConnect(candidate, logger: logger) {
                logger.info("reusing running PostgreSQL", metadata: ["port": "\(port)", "data": "\(dataDirectory)"])
                config = candidate
            } else {
                logger.warning(
                    "PostgreSQL from an earlier run does not answer; restarting", metadata: ["port": "\(port)"])
                _ = try? await ProcessRunner.run(
                    bin + "/pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], as: identity)
            }
        }
        if config == nil {
            config = try await startServer(bin: bin, identity: identity, secret: secret)
            startedHere = true
        }
        guard let config else { throw EmbeddedPostgresError.fileSystem("unreachable") }
        try await waitAndCreateDatabase(config)
        try await Self.upgradeTrust(config, dataDirectory: dataDirectory, identity: identity, logger: logger)
        current = config
        return config
    }

    /// Stops the server with `pg_ctl -m fast stop` if this instance started it (a cluster reused from
    /// another process is left running unless `force` is set).
    package func stop(force: Bool = false) async throws {
        defer {
            current = nil
            startedHere = false
        }
        guard startedHere || force else { return }
        let bin = try Self.binDirectory(options.binDirectory)
        let identity = try Self.identity(options)
        guard FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") else { return }
        let result = try await ProcessRunner.run(
            bin + "/pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "stop"], as: identity)
        if !result.succeeded, runningPort() != nil {
            throw EmbeddedPostgresError.processFailed(
                command: "pg_ctl stop", status: result.status, output: result.output)
        }
    }

    /// Stops the server in `dataDirectory` synchronously, for an `atexit` hook. Errors are ignored.
    package nonisolated static func stopSynchronously(dataDirectory: String, options: Options = Options()) {
        guard let bin = try? binDirectory(options.binDirectory),
            let identity = try? identity(options),
            FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid")
        else { return }
        _ = try? ProcessRunner.runSync(bin + "/pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "stop"], as: identity)
    }

    // MARK: Steps

    private func prepareDirectory(_ identity: SystemIdentity?) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EmbeddedPostgresError.fileSystem("cannot create \(directory): \(error)")
        }
        guard let identity else { return }
        if let blocked = identity.firstUnenterableAncestor(of: directory) {
            throw EmbeddedPostgresError.parentNotEnterable(path: blocked, user: identity.name)
        }
        for path in [directory, dataDirectory, logFile] where fm.fileExists(atPath: path) {
            guard chown(path, identity.uid, identity.gid) == 0 else {
                throw EmbeddedPostgresError.fileSystem(
                    "cannot chown \(path) to \(identity.name): \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(directory, 0o700) == 0 else {
            throw EmbeddedPostgresError.fileSystem("cannot chmod \(directory): \(String(cString: strerror(errno)))")
        }
    }

    private func initializeIfNeeded(bin: String, identity: SystemIdentity?, secret: String) async throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: dataDirectory + "/PG_VERSION") { return }
        if let entries = try? fm.contentsOfDirectory(atPath: dataDirectory), !entries.isEmpty {
            throw EmbeddedPostgresError.notACluster(path: dataDirectory)
        }
        logger.info("initializing PostgreSQL cluster", metadata: ["data": "\(dataDirectory)"])
        // initdb reads the password from a file (as the postgres user when we are root).
        let passwordFile = directory + "/initdb-password"
        try Self.writePrivate(secret + "\n", to: passwordFile, owner: identity)
        defer { unlink(passwordFile) }
        var arguments = [
            "-D", dataDirectory, "-A", "scram-sha-256", "--pwfile=\(passwordFile)", "-U", options.username,
            "-E", "UTF8", "--locale=C", "--no-instructions"
        ]
        if !options.durable { arguments.append("--no-sync") }
        let result = try await ProcessRunner.run(
            bin + "/initdb", arguments, environment: Self.environment(),
            as: identity)
        guard result.succeeded else {
            throw EmbeddedPostgresError.processFailed(command: "initdb", status: result.status, output: result.output)
        }
    }

    private func startServer(bin: String, identity: SystemIdentity?, secret: String) async throws -> DatabaseConfig {
        var lastFailure = ""
        for _ in 0..<3 {
            let port = try Self.freeLoopbackPort()
            var serverOptions = "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories=''"
            if !options.durable {
                serverOptions += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            }
            let arguments = [
                "-D", dataDirectory, "-l", logFile, "-w", "-t", "\(options.startTimeout)",
                "-o", serverOptions, "start"
            ]
            let result = try await ProcessRunner.run(
                bin + "/pg_ctl", arguments, environment: Self.environment(),
                as: identity)
            if result.succeeded {
                logger.info("started PostgreSQL", metadata: ["port": "\(port)", "data": "\(dataDirectory)"])
                return DatabaseConfig(
                    host: "127.0.0.1", port: port, username: options.username, password: secret,
                    database: options.database)
            }
            lastFailure = result.output + "\n" + logTail()
            // Another process may have taken the port between our probe and the bind: retry.
            guard lastFailure.contains("could not bind") || lastFailure.contains("already in use") else { break }
        }
        throw EmbeddedPostgresError.processFailed(command: "pg_ctl start", status: 1, output: lastFailure)
    }

    private func waitAndCreateDatabase(_ config: DatabaseConfig) async throws {
        let admin = config.with(database: "postgres")
        var lastError: (any Error)?
        for attempt in 0..<50 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(100)) }
            do {
                try await Self.createDatabaseIfMissing(config.database, admin: admin, logger: logger)
                return
            } catch let error as PSQLError where error.code == .server {
                if error.serverInfo?[.sqlState] == "28P01" {
                    throw EmbeddedPostgresError.wrongSecret(path: secretFile)
                }
                throw error
            } catch {
                lastError = error
            }
        }
        throw EmbeddedPostgresError.notReady(port: config.port, detail: "\(lastError.map { "\($0)" } ?? "timeout")")
    }

    /// The port of a live postmaster recorded in `postmaster.pid`, if any.
    private func runningPort() -> Int? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else {
            return nil
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, let pid = pid_t(lines[0].trimmingCharacters(in: .whitespaces)),
            let port = Int(lines[3].trimmingCharacters(in: .whitespaces)), pid > 0
        else { return nil }
        guard kill(pid, 0) == 0 || errno == EPERM else { return nil }
        return port
    }

    private func logTail() -> String {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(10).joined(separator: "\n")
    }

    // MARK: Helpers

    /// Runs `CREATE DATABASE` unless `name` exists, through a connection to `admin`.
    static func createDatabaseIfMissing(_ name: String, admin: DatabaseConfig, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try admin.connectionConfiguration(), id: 1, logger: logger)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
        var exists = false
        for try await _ in rows { exists = true }
        guard !exists else { return }
        do {
            try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE DATABASE \(quoteIdentifier(name))"),
                logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P04" {
            // Created concurrently by someone else: fine.
        }
    }

    static func canConnect(_ config: DatabaseConfig, logger: Logger) async -> Bool {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try config.with(database: "postgres").connectionConfiguration(), id: 1, logger: logger)
            try? await connection.close()
            return true
        } catch {
            return false
        }
    }

    /// `"name"` with embedded quotes doubled.
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func environment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment.removeValue(forKey: "PGDATA")
        return environment
    }

    /// The folder holding initdb and pg_ctl.
    /// The user PostgreSQL runs as: nil when we are not root.
    static func identity(_ options: Options) throws -> SystemIdentity? {
        do { return try SystemIdentity.forRunning(as: options.systemUser) } catch {
            throw EmbeddedPostgresError.noUnprivilegedUser(options.systemUser)
        }
    }

    static func binDirectory(_ configured: String?) throws -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if let configured {
            candidates = [configured]
        } else {
            let root = "/usr/lib/postgresql"
            let versions = (try? fm.contentsOfDirectory(atPath: root)) ?? []
            candidates = versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin" }
        }
        for folder in candidates
        where fm.isExecutableFile(atPath: folder + "/initdb")
            && fm.isExecutableFile(atPath: folder + "/pg_ctl")
        {
            return folder
        }
        throw EmbeddedPostgresError.binariesNotFound(
            searched: candidates.isEmpty ? ["/usr/lib/postgresql/*/bin"] : candidates)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EmbeddedPostgresError.fileSystem("socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            throw EmbeddedPostgresError.fileSystem("bind(127.0.0.1:0): \(String(cString: strerror(errno)))")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
