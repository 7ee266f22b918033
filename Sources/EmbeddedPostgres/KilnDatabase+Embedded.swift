import Foundation
import Logging
import PostgresNIO
import Store

extension KilnDatabase {
    /// Runs `body` with a running `PostgresClient`.
    ///
    /// `config` nil starts the embedded cluster under `<home>/postgres` (stopped again when `body`
    /// returns or throws, unless it was already running). `migrate` applies pending migrations first.
    package static func withClient<T: Sendable>(
        config: DatabaseConfig?, home: String, logger: Logger, migrate: Bool,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        try await withConfig(config: config, home: home, logger: logger) { config in
            try await withClient(config: config, logger: logger, migrate: migrate, body)
        }
    }

    /// Runs `body` with `config`, or, when it is nil, with the embedded cluster under `home`
    /// (started here, stopped after `body`; its folder is logged when the `postgres` user cannot
    /// enter `home` and the data lives elsewhere).
    package static func withConfig<T: Sendable>(
        config: DatabaseConfig?, home: String, logger: Logger, _ body: (DatabaseConfig) async throws -> T
    ) async throws -> T {
        if let config { return try await body(config) }
        let directory = embeddedDirectory(home: home, logger: logger)
        let postgres = EmbeddedPostgres(directory: directory, logger: logger)
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

    /// The embedded cluster's folder for `home` (`EmbeddedPostgres.directory`), saying in the log
    /// when it is outside `home` because the `postgres` user cannot enter a folder above it.
    package static func embeddedDirectory(home: String, logger: Logger) -> String {
        let directory = EmbeddedPostgres.directory(home: home)
        if !directory.hasPrefix(URL(fileURLWithPath: home).standardizedFileURL.path + "/") {
            logger.notice(
                "the embedded PostgreSQL of \(home) lives in \(directory): the postgres user cannot enter a folder above \(home)"
            )
        }
        return directory
    }
}
