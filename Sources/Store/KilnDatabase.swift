import Foundation
import Logging
import PostgresNIO

/// Opens Kiln's database for the length of a closure, migrated when asked
/// (the embedded cluster's variant is in the `EmbeddedPostgres` module).
///
///     try await KilnDatabase.withClient(config: config, logger: logger, migrate: true) {
///         client in try await client.query("SELECT 1")
///     }
package enum KilnDatabase {
    /// Runs `body` with a client for `config`: `client.run()` runs in a task group and is cancelled after.
    package static func withClient<T: Sendable>(
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
