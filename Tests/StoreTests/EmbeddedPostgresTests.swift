import EmbeddedPostgres
import Foundation
import Logging
import PostgresNIO
import Store
import XCTest

final class EmbeddedPostgresTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        // Under /tmp with mode 755 so the postgres user can reach it when we run as root.
        folder = "/tmp/kiln-embedded-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
    }

    override func tearDownWithError() throws {
        EmbeddedPostgres.stopSynchronously(dataDirectory: folder + "/postgres/data")
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func options() -> EmbeddedPostgres.Options { .init(durable: false) }

    func testStartCreatesDatabaseReuseAndRestart() async throws {
        let directory = folder + "/postgres"
        let first = EmbeddedPostgres(directory: directory, options: options())
        let config = try await first.start()
        XCTAssertEqual(config.host, "127.0.0.1")
        XCTAssertEqual(config.database, "kiln")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/data/PG_VERSION"))
        let again = try await first.start()
        XCTAssertEqual(again, config, "a second start() on the same instance returns the same server")

        try await KilnDatabase.withClient(config: config, logger: Logger(label: "test"), migrate: false) { client in
            try await client.query("CREATE TABLE survivor (id INT)")
            try await client.query("INSERT INTO survivor VALUES (42)")
        }

        // Another instance (another process, in real life) finds the running server and reuses it.
        let second = EmbeddedPostgres(directory: directory, options: options())
        let reused = try await second.start()
        XCTAssertEqual(reused.port, config.port)
        try await second.stop()  // not ours: left running
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid"))

        try await first.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid"))

        // Restart on the existing cluster: no initdb, the data is still there.
        let third = EmbeddedPostgres(directory: directory, options: options())
        let restarted = try await third.start()
        let value = try await KilnDatabase.withClient(
            config: restarted, logger: Logger(label: "test"),
            migrate: false
        ) { client in
            var found: [Int] = []
            for try await id in try await client.query("SELECT id FROM survivor").decode(Int.self) { found.append(id) }
            return found
        }
        XCTAssertEqual(value, [42])
        try await third.stop()
    }

    func testStaleServerIsReplacedByAFreshStart() async throws {
        let directory = folder + "/postgres"
        let first = EmbeddedPostgres(directory: directory, options: options())
        let config = try await first.start()
        try await first.stop()
        // A postmaster.pid left behind by a crash, naming a dead process.
        let pidFile = "1999999\n\(directory)/data\n0\n\(config.port)\n\n127.0.0.1\n0 0\nready\n"
        try pidFile.write(toFile: directory + "/data/postmaster.pid", atomically: true, encoding: .utf8)
        let second = EmbeddedPostgres(directory: directory, options: options())
        let restarted = try await second.start()
        let answers = try await Self.canQuery(restarted)
        XCTAssertTrue(answers)
        try await second.stop()
    }

    func testUnenterableParentIsNamed() async throws {
        guard getuid() == 0 else { throw XCTSkip("only root hands the cluster to the postgres user") }
        let locked = folder + "/locked"
        try FileManager.default.createDirectory(
            atPath: locked, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let postgres = EmbeddedPostgres(directory: locked + "/inner/postgres", options: options())
        do {
            _ = try await postgres.start()
            XCTFail("start must fail when a parent folder cannot be entered")
        } catch let error as EmbeddedPostgresError {
            guard case .parentNotEnterable(let path, let user) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, locked)
            XCTAssertEqual(user, "postgres")
            XCTAssertTrue(error.description.contains(locked))
        }
    }

    func testDataFolderWithoutClusterIsRefused() async throws {
        let directory = folder + "/postgres"
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        try "not a cluster".write(toFile: directory + "/data/notes.txt", atomically: true, encoding: .utf8)
        let postgres = EmbeddedPostgres(directory: directory, options: options())
        do {
            _ = try await postgres.start()
            XCTFail("start must refuse a non-empty folder without PG_VERSION")
        } catch let error as EmbeddedPostgresError {
            guard case .notACluster = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try String(contentsOfFile: directory + "/data/notes.txt", encoding: .utf8), "not a cluster")
    }

    static func canQuery(_ config: DatabaseConfig) async throws -> Bool {
        try await KilnDatabase.withClient(config: config, logger: Logger(label: "test"), migrate: false) { client in
            var one = 0
            for try await value in try await client.query("SELECT 1").decode(Int.self) { one = value }
            return one == 1
        }
    }
}
