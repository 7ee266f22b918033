import CommandLineOptions
import EmbeddedPostgres
import Foundation
import Logging
import Reconciler
import Settings
import Store

/// `kiln serve`'s database: the configured URL or the embedded cluster, and the startup sweep
/// of reconcile runs a dead process left `running`.
extension ServeCommand {
    /// Runs `body` with the database's configuration: `--database-url`/`KILN_DATABASE_URL`, else the
    /// embedded cluster under the home folder (started here, stopped after `body`).
    func withDatabaseConfig<T: Sendable>(
        settings: KilnSettings, logger: Logger, _ body: (DatabaseConfig) async throws -> T
    ) async throws -> T {
        if let config = try database.database(settings) { return try await body(config) }
        let postgres = EmbeddedPostgres(
            directory: KilnDatabase.embeddedDirectory(home: database.home(settings), logger: logger), logger: logger)
        let config = try await postgres.start()
        do {
            let value = try await body(config)
            try await postgres.stop()
            return value
        } catch {
            try? await postgres.stop()
            throw error
        }
    }

    /// Marks reconcile runs whose process died as failed, when no other Kiln process sharing the
    /// database is reconciling (holds the reconcile lock; see `ReconcileRunStore.failInterruptedRuns`).
    static func failInterruptedRuns(config: DatabaseConfig, logger: Logger) async throws {
        try await KilnDatabase.withClient(config: config, logger: logger, migrate: false) { client in
            let engine = ReconcileEngine(
                database: PostgresStateDatabase(client: client, logger: logger), store: nil, logger: logger)
            if let ids = try await engine.failInterruptedRuns(), !ids.isEmpty {
                logger.warning(
                    "marked \(ids.count) reconcile run(s) left running by a stopped process as failed: \(ids)")
            }
        }
    }
}
