import Foundation
import Logging
import PostgresNIO

/// Applies the numbered migrations that a database lacks, each in its own transaction.
///
///     let report = try await Migrator.bundled(logger: logger).migrate(client)
///     print(report.applied.isEmpty ? "schema up to date at version \(report.version)" : "applied ...")
///
/// Applied files are recorded in `schema_migrations(version, name, checksum, applied_at)`, the checksum
/// being the SHA-256 of the file text (computed by PostgreSQL). Concurrent migrators serialize on a
/// transaction-scoped advisory lock. A database newer than the newest file, an applied file whose text
/// changed, or an applied version without a file are refused before anything runs.
package struct Migrator: Sendable {
    /// The advisory lock key every migrator takes ("kiln" in ASCII).
    package static let lockKey: Int64 = 0x6B69_6C6E

    /// The known migrations, sorted by version.
    package let migrations: [Migration]
    private let logger: Logger

    package init(migrations: [Migration], logger: Logger = Logger(label: "kiln.migrate")) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// A migrator over the SQL files bundled with this module.
    package static func bundled(logger: Logger = Logger(label: "kiln.migrate")) throws -> Migrator {
        Migrator(migrations: try Migration.bundled(), logger: logger)
    }

    /// The newest version this binary knows (0 when there are no files).
    package var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Brings the database to ``latestVersion``; returns what was applied and the final version.
    @discardableResult
    package func migrate(_ client: PostgresClient) async throws -> MigrationReport {
        try await client.withConnection { connection in
            try await migrate(connection)
        }
    }

    /// Same as ``migrate(_:)-(PostgresClient)`` on one connection.
    @discardableResult
    package func migrate(_ connection: PostgresConnection) async throws -> MigrationReport {
        let checksums = try await transaction(on: connection, logger: logger) { try await bootstrapAndCheck($0) }
        var applied: [Migration] = []
        for migration in migrations {
            let didApply = try await transaction(on: connection, logger: logger) { connection in
                try await lock(connection)
                if let existing = try await appliedRows(connection)[migration.version] {
                    try verify(migration, existing: existing.checksum, file: checksums[migration.version] ?? "")
                    return false  // another migrator got here first, or it was already there
                }
                try await apply(migration, checksum: checksums[migration.version] ?? "", on: connection)
                return true
            }
            if didApply {
                logger.info(
                    "applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                applied.append(migration)
            }
        }
        let version = try await appliedRows(connection).keys.max() ?? 0
        return MigrationReport(applied: applied, version: version)
    }

    /// Migrates only when the database is behind this binary: a current database is read, never
    /// written (what `kiln plan` does, so it runs with a read-only role). Returns whether it migrated.
    @discardableResult
    package func migrateIfBehind(_ client: PostgresClient) async throws -> Bool {
        guard try await currentVersion(client) < latestVersion else { return false }
        try await migrate(client)
        return true
    }

    /// The highest applied version (0 for an empty database).
    package func currentVersion(_ client: PostgresClient) async throws -> Int {
        try await client.withConnection { connection in
            let rows = try await connection.query(
                "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            var exists = false
            for try await value in rows.decode(Bool.self) { exists = value }
            guard exists else { return 0 }
            return try await appliedRows(connection).keys.max() ?? 0
        }
    }

    // MARK: Steps

    /// Creates `schema_migrations`, checks what is recorded, returns the checksums of the files.
    private func bootstrapAndCheck(_ connection: PostgresConnection) async throws -> [Int: String] {
        try await lock(connection)
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     INTEGER PRIMARY KEY,
                name        TEXT NOT NULL,
                checksum    TEXT NOT NULL,
                applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var checksums: [Int: String] = [:]
        for migration in migrations {
            checksums[migration.version] = try await checksum(migration.sql, on: connection)
        }
        let rows = try await appliedRows(connection)
        if let newest = rows.keys.max(), newest > latestVersion {
            throw MigrationError.databaseNewer(databaseVersion: newest, knownVersion: latestVersion)
        }
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, row) in rows.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw MigrationError.unknownApplied(version: version, name: row.name)
            }
            try verify(migration, existing: row.checksum, file: checksums[version] ?? "")
        }
        return checksums
    }

    private func verify(_ migration: Migration, existing: String, file: String) throws {
        guard existing == file else {
            throw MigrationError.checksumMismatch(
                version: migration.version, name: migration.name,
                applied: existing, file: file)
        }
    }

    private func apply(_ migration: Migration, checksum: String, on connection: PostgresConnection) async throws {
        for (index, statement) in SQLScript.statements(migration.sql).enumerated() {
            do {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            } catch {
                throw MigrationError.statementFailed(
                    version: migration.version, name: migration.name,
                    statement: index + 1, message: Self.describe(error))
            }
        }
        try await connection.query(
            """
            INSERT INTO schema_migrations (version, name, checksum)
            VALUES (\(migration.version), \(migration.name), \(checksum))
            """, logger: logger)
    }

    private func lock(_ connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
    }

    private func checksum(_ text: String, on connection: PostgresConnection) async throws -> String {
        let rows = try await connection.query(
            "SELECT encode(sha256(convert_to(\(text), 'UTF8')), 'hex')", logger: logger)
        var result = ""
        for try await value in rows.decode(String.self) { result = value }
        return result
    }

    private func appliedRows(_ connection: PostgresConnection) async throws -> [Int: (name: String, checksum: String)] {
        let rows = try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations", logger: logger)
        var result: [Int: (name: String, checksum: String)] = [:]
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            result[version] = (name, checksum)
        }
        return result
    }

    /// The server's message and SQLSTATE for a PostgresNIO error, else the error's description.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        return String(describing: error)
    }
}

/// What ``Migrator/migrate(_:)-(PostgresClient)`` did.
package struct MigrationReport: Sendable, Equatable {
    /// Migrations applied by this run, in order (empty when the schema was up to date).
    package var applied: [Migration]
    /// The schema version after the run.
    package var version: Int
}
