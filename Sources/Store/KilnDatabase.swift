import Foundation
import Logging
import PostgresNIO

/// Opens Kiln's database for the length of a closure: a server from a URL, or the embedded cluster.
///
///     try await KilnDatabase.withClient(config: settings.database, home: home, logger: logger, migrate: true) {
///         client in try await client.query("SELECT 1")
///     }
public enum KilnDatabase {
    /// Runs `body` with a running `PostgresClient`.
    ///
    /// `config` nil starts the embedded cluster under `<home>/postgres` (stopped again when `body`
    /// returns or throws, unless it was already running). `migrate` applies pending migrations first.
    public static func withClient<T: Sendable>(
        config: DatabaseConfig?, home: String, logger: Logger, migrate: Bool,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        if let config {
            return try await withClient(config: config, logger: logger, migrate: migrate, body)
        }
        let postgres = EmbeddedPostgres(directory: EmbeddedPostgres.directory(home: home), logger: logger)
        let config = try await postgres.start()
        do {
            let value = try await withClient(config: config, logger: logger, migrate: migrate, body)
            try await postgres.stop()
            return value
        } catch {
            try? await postgres.stop()
            throw error
        }
    }

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
}
