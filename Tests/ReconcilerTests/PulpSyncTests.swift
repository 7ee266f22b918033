import Artifacts
import Foundation
import GitSource
import KilnTestSupport
import Logging
import PostgresNIO
import Reconciler
import Spec
import Statuses
import Store
import XCTest

/// Upstream repositories synced into a REAL Pulp (`KILN_TEST_PULP_URL`) from an upstream built
/// with `createrepo_c` in the test and served on loopback by `python3 -m http.server`.
final class PulpSyncTests: XCTestCase {
    func testRemoteSyncedThenNothingNewThenUnreachableUpstreamRecordedAsFailed() async throws {
        try await PulpReconcileLock.with {
            try await runRemoteSyncedThenNothingNewThenUnreachableUpstreamRecordedAsFailed()
        }
    }

    func runRemoteSyncedThenNothingNewThenUnreachableUpstreamRecordedAsFailed() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["KILN_TEST_PULP_URL"], !url.isEmpty else {
            XCTFail("KILN_TEST_PULP_URL is not set: run through scripts/test.sh")
            return
        }
        let pulp = PulpArtifactStore(
            url: url, username: env["KILN_TEST_PULP_USER"] ?? "admin",
            password: env["KILN_TEST_PULP_PASSWORD"] ?? "admin")
        let top = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-upstream-\(UUID().uuidString)")
        let upstream = top.appendingPathComponent("repo", isDirectory: true)
        try FileManager.default.createDirectory(at: upstream, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: top) }
        let tag = "up\(UInt32.random(in: 0..<UInt32.max))"
        let rpms = try RPMBuild.packages(count: 2, prefix: tag, in: top.appendingPathComponent("build"))
        for rpm in rpms {
            try FileManager.default.copyItem(at: rpm, to: upstream.appendingPathComponent(rpm.lastPathComponent))
        }
        try Self.run("/usr/bin/createrepo_c", [upstream.path])
        let port = Int.random(in: 30000..<45000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", "-m", "http.server", "\(port)", "--bind", "127.0.0.1", "--directory", upstream.path
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        try await Self.waitForHTTP("http://127.0.0.1:\(port)/repodata/repomd.xml")

        let repo = try TestGitRepository.make()
        defer { repo.delete() }
        try repo.write(
            "repositories/\(tag).yml",
            """
            name: \(tag)
            arch: x86_64
            type: rpm
            url: http://127.0.0.1:\(port)/
            sync: {interval: 6h, policy: immediate}
            """)
        try repo.write(
            "repositories/\(tag)-gone.yml",
            """
            name: \(tag)-gone
            arch: x86_64
            type: rpm
            url: http://127.0.0.1:\(port + 1)/
            """)
        try repo.write("platforms/p.yml", ReconcileFixture.platformYAML("P\(tag)"))
        _ = try repo.commit("two upstream repositories")
        let reader = DesiredStateReader(repository: try GitRepository(path: repo.path))
        var quiet = Logger(label: "test.pulp-sync")
        quiet.logLevel = .critical
        let synced = "\(tag)-x86_64"
        let gone = "\(tag)-gone-x86_64"
        try await TestDatabase.with { client, _ in
            var engine = ReconcileEngine(database: PostgresStateDatabase(client: client), store: pulp, logger: quiet)
            engine.syncRecords = RepositorySyncStore(client: client)
            let s = try await reader.read()
            XCTAssertEqual(s.result.diagnostics, [])
            XCTAssertEqual(
                s.result.state.repositories.first { $0.name == tag }?.sync,
                RepositorySync(intervalSeconds: 6 * 3600, policy: .immediate))

            // 0. the plan shows the syncs due beside the changes
            let before = try await engine.plan(desired: s.result.state, commitSHA: s.commitSHA)
            XCTAssertTrue(before.renderText().contains("  # sync due: \(synced) (new remote)\n"), before.renderText())
            XCTAssertEqual(before.syncsDue.first { $0.storeRepository == gone }?.reason, "new remote")

            // 1. new remotes: both synced; the unreachable one fails without failing the apply
            let first = try await engine.reconcile(desired: s.result.state, commitSHA: s.commitSHA, trigger: "cli")
            XCTAssertEqual(first.result, .applied, "\(first.errors)")
            let records = Dictionary(uniqueKeysWithValues: first.syncs.map { ($0.storeRepository, $0) })
            let ok = try XCTUnwrap(records[synced])
            XCTAssertEqual(ok.status, .completed, ok.error ?? "")
            XCTAssertEqual(ok.reason, "new remote")
            XCTAssertEqual(ok.added, 2)
            XCTAssertEqual(ok.present, 2)
            XCTAssertTrue(ok.newVersion)
            XCTAssertNotNil(ok.durationSeconds)
            let failed = try XCTUnwrap(records[gone])
            XCTAssertEqual(failed.status, .failed)
            XCTAssertFalse((failed.error ?? "").isEmpty)
            // the rest of the apply went through: the platform row and both store repositories exist
            let platforms = try await client.count("SELECT count(*) FROM platforms WHERE name = \("P\(tag)")")
            XCTAssertEqual(platforms, 1)
            let goneRepo = try await pulp.repository(named: gone)
            XCTAssertNotNil(goneRepo?.remoteHref)

            // the packages are in Pulp
            let content = try await pulp.listContent(of: synced)
            XCTAssertEqual(Set(content.compactMap(\.name)), Set(rpms.map { Self.packageName($0) }))

            // 2. nothing changed upstream: no new version, nothing added
            let again = try await pulp.syncRepository(named: synced, policy: "immediate")
            XCTAssertFalse(again.newVersion)
            XCTAssertEqual(again.added, 0)
            XCTAssertEqual(again.present, 2)

            // a plan now: no changes, the failed one still due, the synced one not
            let after = try await engine.plan(desired: s.result.state, commitSHA: s.commitSHA)
            XCTAssertFalse(after.changes.contains { $0.name.hasPrefix(tag) && $0.action != .keep }, after.renderText())
            XCTAssertEqual(after.syncsDue.first { $0.storeRepository == gone }?.reason, "never synced")
            XCTAssertFalse(after.syncsDue.contains { $0.storeRepository == synced })
            XCTAssertTrue(
                after.renderMarkdown().contains("| `\(gone)` | http://127.0.0.1:\(port + 1)/ | never synced |"))
            XCTAssertEqual(try Plan.decode(after.jsonData()), after)

            // 3. within the interval: the completed one is not due, the failed one is retried
            let second = try await engine.reconcile(desired: s.result.state, commitSHA: s.commitSHA, trigger: "cli")
            XCTAssertTrue(second.succeeded, "\(second.errors)")
            XCTAssertFalse(second.syncs.contains { $0.storeRepository == synced })
            let retried = second.syncs.first { $0.storeRepository == gone }
            XCTAssertEqual(retried?.reason, "never synced")
            XCTAssertEqual(retried?.status, .failed)
        }
        try await pulp.deleteRepository(named: gone)
        try await pulp.deleteRepository(named: synced)
        try await pulp.shutdown()
    }

    /// `<prefix>-<i>` from `<prefix>-<i>-1-1.noarch.rpm`.
    static func packageName(_ rpm: URL) -> String {
        let parts = rpm.lastPathComponent.split(separator: "-")
        return parts.dropLast(2).joined(separator: "-")
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(tool) \(arguments)")
    }

    static func waitForHTTP(_ url: String) async throws {
        for _ in 0..<100 {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            curl.arguments = ["curl", "-sf", "-o", "/dev/null", url]
            try curl.run()
            curl.waitUntilExit()
            if curl.terminationStatus == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTFail("upstream server at \(url) did not answer")
    }
}
