import Foundation
import Logging
import PostgresNIO

/// Opens Kiln's database for the length of a closure, migrated when asked
/// (the embedded cluster's variant is in the `EmbeddedPostgres` module).
///
///     try await KilnDatabase.withClient(config: config, logger: logger, migrate: true) {
///         client in try await client.query("SELECT 1")
///     }
public enum KilnDatabase {
    /// The environment variable the CLI reads for the database URL.
    public static let urlEnvironmentVariable = "KILN_DATABASE_URL"
    /// The environment variable naming Kiln's home folder.
    public static let homeEnvironmentVariable = "KILN_HOME"
    /// The home folder when `KILN_HOME` is not set.
    public static let defaultHome = "./.kiln"

    /// Runs `body` with a client for `config`: `client.run()` runs in a task group and is cancelled after.
    public static func withClient<T: Sendable>(
        config: DatabaseConfig, logger: Logger, migrate: Bool,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: config.clientConfiguration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            await Task.yield()  // let run() start before the first lease
            defer { group.cancelAll() }
            if migrate {
                try await Migrator.bundled(logger: logger).migrate(client)
            }
            return try await body(client)
        }
    }

    /// The home folder: `KILN_HOME`, else `./.kiln`.
    public static func home(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment[homeEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultHome
    }
}
