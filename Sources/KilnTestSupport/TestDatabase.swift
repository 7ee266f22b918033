import EmbeddedPostgres
import Foundation
import Logging
import PostgresNIO
import Store

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fresh, empty PostgreSQL database per call, dropped afterwards.
///
///     try await TestDatabase.with { client, url in
///         try await client.query("INSERT INTO users (username) VALUES ('alice')")
///     }
///
/// The server is `KILN_TEST_DATABASE_URL` when set (its user must be allowed to create databases),
/// otherwise one throwaway cluster per test process under `/tmp/kiln-test-pg-<pid>` (fsync off),
/// started on first use and stopped by an `atexit` hook. Safe to call from parallel tests.
package enum TestDatabase {
    /// The environment variable naming an existing server to create test databases on.
    package static let urlEnvironmentVariable = "KILN_TEST_DATABASE_URL"

    /// Runs `body` with a client and URL for a new database holding the full, migrated schema.
    package static func with<T: Sendable>(
        _ body: (PostgresClient, String) async throws -> T
    ) async throws -> T {
        try await withDatabase(migrated: true, body)
    }

    /// Runs `body` with a client and URL for a new, completely empty database (no migrations).
    package static func withUnmigrated<T: Sendable>(
        _ body: (PostgresClient, String) async throws -> T
    ) async throws -> T {
        try await withDatabase(migrated: false, body)
    }

    /// The server test databases are made on (its maintenance database).
    package static func server() async throws -> DatabaseConfig {
        try await SharedServer.shared.config()
    }

    static let logger: Logger = {
        var logger = Logger(label: "kiln.test-db")
        logger.logLevel = .warning
        return logger
    }()

    private static func withDatabase<T: Sendable>(
        migrated: Bool, _ body: (PostgresClient, String) async throws -> T
    ) async throws -> T {
        let server = try await server()
        let name = "kiln_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await admin(server, "CREATE DATABASE \(name)")
        let config = server.with(database: name)
        do {
            let value = try await KilnDatabase.withClient(config: config, logger: logger, migrate: migrated) { client in
                try await body(client, config.url)
            }
            try await admin(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            return value
        } catch {
            try? await admin(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            throw error
        }
    }

    /// Runs one statement on the server's maintenance database.
    private static func admin(_ server: DatabaseConfig, _ sql: String) async throws {
        let client = PostgresClient(configuration: server.clientConfiguration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            await Task.yield()  // let run() start before the first lease
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }
}

/// The one server of this test process: from the environment, or a lazily started cluster.
private actor SharedServer {
    static let shared = SharedServer()
    private var starting: Task<DatabaseConfig, any Error>?

    func config() async throws -> DatabaseConfig {
        if let starting { return try await starting.value }
        let task = Task { try await Self.start() }
        starting = task
        do {
            return try await task.value
        } catch {
            starting = nil  // let a later test retry
            throw error
        }
    }

    private static func start() async throws -> DatabaseConfig {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment[TestDatabase.urlEnvironmentVariable], !url.isEmpty {
            return try DatabaseConfig(url: url)
        }
        removeStaleClusters()
        let directory = clusterDirectory(pid: getpid())
        let postgres = EmbeddedPostgres(
            directory: directory, options: .init(durable: false),
            logger: TestDatabase.logger)
        atexit(stopTestCluster)
        return try await postgres.start().with(database: "postgres")
    }

    static func clusterDirectory(pid: pid_t) -> String { testClusterDirectory(pid: pid) }

    /// Stops and deletes clusters left by test processes that died without their atexit hook.
    private static func removeStaleClusters() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for name in names where name.hasPrefix("kiln-test-pg-") {
            guard let pid = pid_t(name.dropFirst("kiln-test-pg-".count)), pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            let directory = "/tmp/" + name
            EmbeddedPostgres.stopSynchronously(dataDirectory: directory + "/data")
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

private func testClusterDirectory(pid: pid_t) -> String { "/tmp/kiln-test-pg-\(pid)" }

/// The atexit hook: stop this process's test cluster and delete it.
private func stopTestCluster() {
    let directory = testClusterDirectory(pid: getpid())
    EmbeddedPostgres.stopSynchronously(dataDirectory: directory + "/data")
    try? FileManager.default.removeItem(atPath: directory)
}
