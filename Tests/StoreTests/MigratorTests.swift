import KilnTestSupport
import Logging
import PostgresNIO
import Store
import XCTest

final class MigratorTests: XCTestCase {
    private let logger = Logger(label: "test")

    func testMigratesEmptyDatabaseThenChangesNothing() async throws {
        try await TestDatabase.withUnmigrated { client, _ in
            let migrator = try Migrator.bundled()
            let bundled = try Migration.bundled()
            let before = try await migrator.currentVersion(client)
            XCTAssertEqual(before, 0)

            let first = try await migrator.migrate(client)
            XCTAssertEqual(first.applied.map(\.version), bundled.map(\.version))
            XCTAssertEqual(first.version, migrator.latestVersion)

            let tables = try await Self.strings(
                client,
                """
                SELECT table_name::text FROM information_schema.tables
                WHERE table_schema = 'public' ORDER BY 1
                """)
            for table in [
                "users", "platforms", "repositories", "builds", "build_tasks", "releases",
                "sign_keys", "schema_migrations"
            ] {
                XCTAssertTrue(tables.contains(table), "missing table \(table) in \(tables)")
            }
            let recorded = try await Self.strings(
                client, "SELECT version::text || ':' || name FROM schema_migrations ORDER BY version")
            XCTAssertEqual(recorded, bundled.map { "\($0.version):\($0.name)" })

            let second = try await migrator.migrate(client)
            XCTAssertEqual(second.applied, [])
            XCTAssertEqual(second.version, first.version)
            let count = try await Self.strings(client, "SELECT count(*)::text FROM schema_migrations")
            XCTAssertEqual(count, ["\(bundled.count)"])
        }
    }

    func testConcurrentMigratorsApplyEachFileOnce() async throws {
        try await TestDatabase.withUnmigrated { client, _ in
            let migrator = try Migrator.bundled()
            async let a = migrator.migrate(client)
            async let b = migrator.migrate(client)
            let (ra, rb) = try await (a, b)
            XCTAssertEqual(ra.applied.count + rb.applied.count, migrator.migrations.count)
            XCTAssertEqual(ra.version, migrator.latestVersion)
            XCTAssertEqual(rb.version, migrator.latestVersion)
        }
    }

    func testNewerDatabaseIsRefused() async throws {
        try await TestDatabase.with { client, _ in
            let migrator = try Migrator.bundled()
            let future = migrator.latestVersion + 4
            try await client.query(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(future), 'future', 'x')")
            do {
                try await migrator.migrate(client)
                XCTFail("a newer database must be refused")
            } catch let error as MigrationError {
                XCTAssertEqual(error, .databaseNewer(databaseVersion: future, knownVersion: migrator.latestVersion))
                XCTAssertEqual(
                    "\(error)",
                    "database schema is at version \(future) but this kiln knows up to \(migrator.latestVersion); upgrade kiln"
                )
            }
        }
    }

    func testEditedAppliedMigrationIsCaught() async throws {
        try await TestDatabase.withUnmigrated { client, _ in
            let original = [Migration(version: 1, name: "one", sql: "CREATE TABLE one (id INT);")]
            try await Migrator(migrations: original).migrate(client)
            let edited = [
                Migration(version: 1, name: "one", sql: "CREATE TABLE one (id BIGINT);"),
                Migration(version: 2, name: "two", sql: "CREATE TABLE two (id INT);")
            ]
            do {
                try await Migrator(migrations: edited).migrate(client)
                XCTFail("a changed applied migration must be reported")
            } catch let error as MigrationError {
                guard case .checksumMismatch(let version, let name, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(version, 1)
                XCTAssertEqual(name, "one")
            }
            let two = try await Self.strings(client, "SELECT coalesce(to_regclass('two')::text, 'none')")
            XCTAssertEqual(two, ["none"], "nothing may run after the mismatch")
        }
    }

    func testFailingMigrationRollsBackAndNamesTheStatement() async throws {
        try await TestDatabase.withUnmigrated { client, _ in
            let migrations = [
                Migration(version: 1, name: "good", sql: "CREATE TABLE good (id INT);"),
                Migration(
                    version: 2, name: "bad", sql: "CREATE TABLE half (id INT);\nCREATE TABLE broken (id NOSUCHTYPE);")
            ]
            do {
                try await Migrator(migrations: migrations).migrate(client)
                XCTFail("the bad migration must fail")
            } catch let error as MigrationError {
                guard case .statementFailed(let version, _, let statement, let message) = error else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(version, 2)
                XCTAssertEqual(statement, 2)
                XCTAssertTrue(message.contains("nosuchtype"), message)
            }
            let state = try await Self.strings(
                client,
                """
                SELECT coalesce(to_regclass('good')::text, 'none') || ',' || coalesce(to_regclass('half')::text, 'none')
                """)
            XCTAssertEqual(state, ["good,none"], "version 1 stays, all of version 2 is rolled back")
            let version = try await Migrator(migrations: migrations).currentVersion(client)
            XCTAssertEqual(version, 1)
        }
    }

    func testTestDatabasesAreFreshAndSeparate() async throws {
        let url1 = try await TestDatabase.with { client, url in
            try await client.query("INSERT INTO users (username) VALUES ('alice')")
            return url
        }
        try await TestDatabase.with { client, url in
            XCTAssertNotEqual(url, url1)
            let users = try await Self.strings(client, "SELECT count(*)::text FROM users")
            XCTAssertEqual(users, ["0"])
        }
        // The first database was dropped.
        let server = try await TestDatabase.server()
        let name = try DatabaseConfig(url: url1).database
        let left = try await KilnDatabase.withClient(config: server, logger: logger, migrate: false) { client in
            try await Self.strings(client, "SELECT datname::text FROM pg_database WHERE datname = \(name)")
        }
        XCTAssertEqual(left, [])
    }

    static func strings(_ client: PostgresClient, _ query: PostgresQuery) async throws -> [String] {
        var result: [String] = []
        for try await value in try await client.query(query).decode(String.self) { result.append(value) }
        return result
    }
}
