import Foundation
import KilnTestSupport
import PostgresNIO
import Processes
import Store
import XCTest

/// What the pull-request job in `docs/pull-requests.md` runs: `kiln validate`, then `kiln plan
/// --format markdown --detailed-exitcode` as a read-only database role, against a database that
/// `kiln apply` brought to `main`. The built binary, a real PostgreSQL, the local store.
final class PlanPullRequestCLITests: XCTestCase {
    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let kiln = packageRoot.appendingPathComponent(".build/debug/kiln").path
    private static let examples = packageRoot.appendingPathComponent("examples").path

    private func kiln(_ arguments: [String], _ environment: [String: String]) throws -> ProcessResult {
        try ProcessRunner.runSync(
            Self.kiln, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            combineErrors: false)
    }

    func testAReadOnlyRolePlansAPullRequestAsMarkdownAndWritesNothing() async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.kiln), "build kiln first: \(Self.kiln)")
        let repo = try TestGitRepository.make()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-pr-\(UUID().uuidString)")
        defer {
            repo.delete()
            try? FileManager.default.removeItem(at: home)
        }
        try repo.copy(contentsOf: Self.examples, to: "examples")
        _ = try repo.commit("main")
        let role = "kiln_pr_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        let server = try await TestDatabase.server()
        try await TestDatabase.with { client, url in
            let env = ["KILN_HOME": home.path, "KILN_DATABASE_URL": url, "KILN_PULP_URL": ""]
            let applied = try kiln(["apply", "--repo", repo.path, "--path", "examples"], env)
            XCTAssertEqual(applied.status, 0, applied.output + applied.errors)

            // the role a CI job gets: SELECT only, every transaction read-only
            try await client.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(role) LOGIN PASSWORD '\(role)-pw'"))
            try await client.query(PostgresQuery(unsafeSQL: "GRANT USAGE ON SCHEMA public TO \(role)"))
            try await client.query(PostgresQuery(unsafeSQL: "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)"))
            try await client.query(
                PostgresQuery(unsafeSQL: "ALTER ROLE \(role) SET default_transaction_read_only = on"))
            var readOnly = try DatabaseConfig(url: url)
            readOnly.username = role
            readOnly.password = "\(role)-pw"
            let prEnv = env.merging(["KILN_DATABASE_URL": readOnly.url]) { $1 }
            let runs = try await client.count("SELECT count(*) FROM reconcile_runs")

            try repo.write(
                "examples/platforms/almalinux-9.yml",
                try String(contentsOfFile: Self.examples + "/platforms/almalinux-9.yml", encoding: .utf8)
                    .replacingOccurrences(of: "  timeout: 43200\n", with: "  timeout: 50000\n"))
            let head = try repo.commit("AlmaLinux 9: longer build timeout")
            let valid = try kiln(["validate", "--repo", repo.path, "--ref", head, "--path", "examples"], prEnv)
            XCTAssertEqual(valid.status, 0, valid.output + valid.errors)
            let plan = try kiln(
                [
                    "plan", "--repo", repo.path, "--ref", head, "--path", "examples", "--format", "markdown",
                    "--detailed-exitcode"
                ], prEnv)
            XCTAssertEqual(plan.status, 2, plan.errors)
            XCTAssertTrue(plan.output.hasPrefix("### Kiln plan for `\(head.prefix(12))`\n"), plan.output)
            XCTAssertTrue(plan.output.contains("**Plan: 0 to add, 1 to change, 0 to destroy.**"), plan.output)
            XCTAssertTrue(plan.output.contains("#### `examples/platforms/almalinux-9.yml`"), plan.output)
            XCTAssertTrue(plan.output.contains("!     data.timeout = 43200 -> 50000\n"), plan.output)
            let runsAfter = try await client.count("SELECT count(*) FROM reconcile_runs")
            XCTAssertEqual(runsAfter, runs)

            // the role really cannot write: apply as that role fails and changes nothing
            let refused = try kiln(["apply", "--repo", repo.path, "--ref", head, "--path", "examples"], prEnv)
            XCTAssertNotEqual(refused.status, 0, refused.output)
            let written = try await client.count("SELECT count(*) FROM platforms WHERE data->>'timeout' = '50000'")
            XCTAssertEqual(written, 0)
            try await client.query(PostgresQuery(unsafeSQL: "DROP OWNED BY \(role)"))
        }
        try await Self.dropRole(role, server: server)
    }

    private static func dropRole(_ role: String, server: DatabaseConfig) async throws {
        var logger = Logger(label: "test.pr-role")
        logger.logLevel = .critical
        try await KilnDatabase.withClient(config: server, logger: logger, migrate: false) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \(role)"))
        }
    }
}

extension PostgresClient {
    fileprivate func count(_ sql: String) async throws -> Int {
        for try await n in try await query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return Int(n) }
        return -1
    }
}
