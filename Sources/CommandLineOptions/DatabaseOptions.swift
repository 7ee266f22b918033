import ArgumentParser
import EmbeddedPostgres
import Logging
import PostgresNIO
import Settings
import Store

/// `--database-url` and `--home`, shared by every command that talks to PostgreSQL; they
/// override `KILN_DATABASE_URL` and `KILN_HOME` of the startup ``KilnSettings``.
///
///     @OptionGroup var database: DatabaseOptions
///     try await database.withClient(settings: settings, logger: logger, migrate: true) { client in ... }
package struct DatabaseOptions: ParsableArguments {
    package init() {}

    @Option(
        name: .customLong("database-url"),
        help:
            "PostgreSQL URL (postgres://user:pass@host:port/db?sslmode=disable). Default: $KILN_DATABASE_URL, else an embedded cluster under the home folder."
    )
    package var databaseURL: String?

    @Option(
        name: .customLong("home"), help: "Kiln's home folder. Default: $KILN_HOME, else \(KilnSettings.defaultHome).")
    package var home: String?

    package func validate() throws {
        if let databaseURL, !databaseURL.isEmpty {
            do { _ = try DatabaseConfig(url: databaseURL) } catch { throw ValidationError("--database-url: \(error)") }
        }
    }

    /// The database to use: `--database-url`, else `KILN_DATABASE_URL`; nil means the embedded cluster.
    package func database(_ settings: KilnSettings) throws -> DatabaseConfig? {
        if let databaseURL, !databaseURL.isEmpty { return try DatabaseConfig(url: databaseURL) }
        return settings.database
    }

    /// The home folder: `--home`, else `KILN_HOME`, else `./.kiln`.
    package func home(_ settings: KilnSettings) -> String {
        if let home, !home.isEmpty { return home }
        return settings.home
    }

    /// Opens the database for `body` (see ``KilnDatabase/withClient(config:home:logger:migrate:_:)``).
    package func withClient<T: Sendable>(
        settings: KilnSettings, logger: Logger, migrate: Bool,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        try await KilnDatabase.withClient(
            config: try database(settings), home: home(settings), logger: logger,
            migrate: migrate, body)
    }
}
