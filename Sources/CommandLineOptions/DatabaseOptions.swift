import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import EmbeddedPostgres
import Store

/// `--database-url` and `--home`, shared by every command that talks to PostgreSQL.
///
///     @OptionGroup var database: DatabaseOptions
///     try await database.withClient(logger: logger, migrate: true) { client in ... }
package struct DatabaseOptions: ParsableArguments {
    package init() {}

    @Option(name: .customLong("database-url"),
            help: "PostgreSQL URL (postgres://user:pass@host:port/db?sslmode=disable). Default: $KILN_DATABASE_URL, else an embedded cluster under the home folder.")
    package var databaseURL: String?

    @Option(name: .customLong("home"), help: "Kiln's home folder. Default: $KILN_HOME, else ./.kiln.")
    package var home: String?

    /// The URL to use: the option, else KILN_DATABASE_URL; nil means the embedded cluster.
    package var resolvedURL: String? {
        if let databaseURL, !databaseURL.isEmpty { return databaseURL }
        let fromEnvironment = ProcessInfo.processInfo.environment[KilnDatabase.urlEnvironmentVariable]
        return fromEnvironment.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The home folder: the option, else KILN_HOME, else ./.kiln.
    package var resolvedHome: String {
        if let home, !home.isEmpty { return home }
        return KilnDatabase.home()
    }

    package func validate() throws {
        if let url = resolvedURL {
            do { _ = try DatabaseConfig(url: url) } catch { throw ValidationError("\(error)") }
        }
    }

    /// Opens the database for `body` (see ``KilnDatabase/withClient(url:home:logger:migrate:_:)``).
    package func withClient<T: Sendable>(logger: Logger, migrate: Bool,
                                 _ body: (PostgresClient) async throws -> T) async throws -> T {
        try await KilnDatabase.withClient(url: resolvedURL, home: resolvedHome, logger: logger,
                                          migrate: migrate, body)
    }
}
