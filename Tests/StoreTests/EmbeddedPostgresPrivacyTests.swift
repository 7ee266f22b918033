import EmbeddedPostgres
import Foundation
import Logging
import PostgresNIO
import Processes
import Store
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded cluster is private: password (SCRAM-SHA-256) authentication with a secret only
/// Kiln's user can read, no `trust` rule; a cluster made with `initdb -A trust` is upgraded.
@Suite(.serialized) struct EmbeddedPostgresPrivacyTests {
    let folder = "/tmp/kiln-pg-private-\(UUID().uuidString.prefix(8))"

    init() throws {
        // Mode 755 so the postgres user can reach it when we run as root.
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    }

    func cleanup() {
        EmbeddedPostgres.stopSynchronously(dataDirectory: folder + "/postgres/data")
        try? FileManager.default.removeItem(atPath: folder)
    }

    static func trustRules(in dataDirectory: String) throws -> [String] {
        let text = try String(contentsOfFile: dataDirectory + "/pg_hba.conf", encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { line in
            !line.hasPrefix("#") && line.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains("trust")
        }
    }

    /// Whether a PostgresNIO connection with `config` succeeds.
    static func connects(_ config: DatabaseConfig) async -> Bool {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try config.with(database: "postgres").connectionConfiguration(), id: 1,
                logger: Logger(label: "test"))
            try? await connection.close()
            return true
        } catch {
            return false
        }
    }

    static func psql() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin/psql" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Checks the cluster of `postgres` (started, answering `config`) is private.
    func expectPrivate(_ postgres: EmbeddedPostgres, _ config: DatabaseConfig) async throws {
        #expect(try Self.trustRules(in: postgres.dataDirectory) == [])
        var info = stat()
        #expect(stat(postgres.secretFile, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(info.st_uid == geteuid())
        let secret = try String(contentsOfFile: postgres.secretFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(config.password == secret)

        var anonymous = config
        anonymous.password = nil
        var guessed = config
        guessed.password = "kiln"
        #expect(await Self.connects(anonymous) == false, "connected without a password")
        #expect(await Self.connects(guessed) == false, "connected with a wrong password")
        #expect(await Self.connects(config), "the owner with the secret must connect")
    }

    @Test func clusterRefusesConnectionsWithoutTheSecret() async throws {
        defer { cleanup() }
        let postgres = EmbeddedPostgres(directory: folder + "/postgres", options: .init(durable: false))
        let config = try await postgres.start()
        try await expectPrivate(postgres, config)

        // The secret is created once and reused: a restart answers the same password.
        try await postgres.stop()
        let again = EmbeddedPostgres(directory: folder + "/postgres", options: .init(durable: false))
        let restarted = try await again.start()
        #expect(restarted.password == config.password)
        #expect(await Self.connects(restarted))
        try await again.stop()
    }

    @Test(.enabled(if: getuid() == 0, "needs root to act as another OS user"))
    func anotherOSUserIsRefused() async throws {
        defer { cleanup() }
        let postgres = EmbeddedPostgres(directory: folder + "/postgres", options: .init(durable: false))
        let config = try await postgres.start()
        let nobody = try #require(try SystemIdentity.forRunning(as: "nobody"))
        let psql = try #require(Self.psql())
        let environment = ["PATH": "/usr/bin:/bin", "HOME": "/tmp", "LC_ALL": "C"]
        let arguments = [
            "-h", "127.0.0.1", "-p", "\(config.port)", "-U", "kiln", "-d", "postgres", "-w", "-c", "SELECT 1"
        ]

        let bare = try ProcessRunner.runSync(psql, arguments, environment: environment, as: nobody)
        #expect(!bare.succeeded, "nobody connected without a password: \(bare.output)")
        #expect(bare.output.contains("password"), "\(bare.output)")

        var guessing = environment
        guessing["PGPASSWORD"] = "kiln"
        let guessed = try ProcessRunner.runSync(psql, arguments, environment: guessing, as: nobody)
        #expect(!guessed.succeeded)
        #expect(guessed.output.contains("password authentication failed"), "\(guessed.output)")

        // nobody cannot read the secret either.
        let read = try ProcessRunner.runSync("/bin/cat", [postgres.secretFile], environment: environment, as: nobody)
        #expect(!read.succeeded)

        // The owner, with the secret, connects through the same psql.
        var owner = environment
        owner["PGPASSWORD"] = config.password
        let allowed = try ProcessRunner.runSync(psql, arguments, environment: owner, as: nobody)
        #expect(allowed.succeeded, "\(allowed.output)")
    }

    @Test func aClusterMadeWithTrustIsUpgraded() async throws {
        defer { cleanup() }
        let directory = folder + "/postgres"
        let first = EmbeddedPostgres(directory: directory, options: .init(durable: false))
        _ = try await first.start()
        try await first.stop()
        // What `initdb -A trust` (an older Kiln) left: trust rules, and no secret file.
        let hba = directory + "/data/pg_hba.conf"
        var info = stat()
        #expect(stat(hba, &info) == 0)
        try """
        local   all   all                  trust
        host    all   all   127.0.0.1/32   trust
        host    all   all   ::1/128        trust

        """.write(toFile: hba, atomically: false, encoding: .utf8)
        #expect(chown(hba, info.st_uid, info.st_gid) == 0)
        try FileManager.default.removeItem(atPath: directory + "/secret")

        let second = EmbeddedPostgres(directory: directory, options: .init(durable: false))
        let config = try await second.start()
        try await expectPrivate(second, config)
        try await second.stop()
    }
}
