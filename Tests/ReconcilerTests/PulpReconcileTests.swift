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

/// The reconciler against the REAL Pulp that scripts/test.sh starts (`KILN_TEST_PULP_URL`).
final class PulpReconcileTests: XCTestCase {
    func pulp() throws -> PulpArtifactStore {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["KILN_TEST_PULP_URL"], !url.isEmpty else {
            if env["KILN_SKIP_PULP"] == "1" {
                FileHandle.standardError.write(Data("\n*** KILN_SKIP_PULP=1: reconciler Pulp tests SKIPPED ***\n".utf8))
                throw XCTSkip("KILN_SKIP_PULP=1")
            }
            XCTFail("KILN_TEST_PULP_URL is not set: run through scripts/test.sh, or KILN_SKIP_PULP=1 locally")
            throw XCTSkip("no Pulp")
        }
        return PulpArtifactStore(
            url: url, username: env["KILN_TEST_PULP_USER"] ?? "admin",
            password: env["KILN_TEST_PULP_PASSWORD"] ?? "admin")
    }

    func testApplyDriftRepairStoppedPulpAndPruneAgainstRealPulp() async throws {
        try await PulpReconcileLock.with { try await runApplyDriftRepairStoppedPulpAndPruneAgainstRealPulp() }
    }

    func runApplyDriftRepairStoppedPulpAndPruneAgainstRealPulp() async throws {
        let pulp = try pulp()
        let repo = try TestGitRepository.make()
        defer { repo.delete() }
        let name = "PT\(UInt32.random(in: 0..<UInt32.max))"
        try repo.write("platforms/p.yml", ReconcileFixture.platformYAML(name))
        _ = try repo.commit("one platform")
        let reader = DesiredStateReader(repository: try GitRepository(path: repo.path))
        let lower = name.lowercased()
        var quiet = Logger(label: "test.pulp-reconcile")
        quiet.logLevel = .critical
        let names = ["\(lower)-baseos-x86_64", "\(lower)-baseos-debuginfo-x86_64-debug"]
        do {
            try await TestDatabase.with { client, _ in
                let engine = ReconcileEngine(
                    database: PostgresStateDatabase(client: client), store: pulp, logger: quiet)
                let s1 = try await reader.read()
                XCTAssertEqual(s1.result.diagnostics, [])
                let plan = try await engine.plan(desired: s1.result.state, commitSHA: s1.commitSHA)
                XCTAssertEqual(
                    Set(plan.changes.filter { $0.kind == .storeRepository && $0.action == .create }.map(\.name)),
                    Set(names), plan.renderText())
                let applied = try await engine.apply(savedPlan: plan, trigger: "cli")
                XCTAssertEqual(applied.result, .applied, "\(applied.errors)")
                let baseos = try await pulp.repository(named: names[0])
                XCTAssertEqual(baseos?.remoteURL, "https://example.org/\(name)/BaseOS/x86_64/os/")
                XCTAssertEqual(baseos?.basePath, "kiln/\(lower)-baseos/x86_64")
                XCTAssertEqual(baseos?.labels["kiln-source"], "desired-state")
                let debug = try await pulp.repository(named: names[1])
                XCTAssertNotNil(debug?.distributionHref)
                XCTAssertNil(debug?.remoteURL)  // production repositories are not synced from upstream
                let converged = try await engine.plan(desired: s1.result.state, commitSHA: s1.commitSHA)
                XCTAssertFalse(
                    converged.changes.contains { $0.name.hasPrefix(lower) && $0.action != .keep },
                    converged.renderText())

                // drift behind Kiln's back in Pulp: one repository deleted, one distribution moved
                try await pulp.deleteRepository(named: names[1])
                var moved = try XCTUnwrap(baseos).spec
                moved.basePath = "elsewhere/\(lower)"
                _ = try await pulp.ensureRepository(moved)
                let drift = try await engine.plan(desired: s1.result.state, commitSHA: s1.commitSHA)
                let mine = drift.changes.filter { $0.name.hasPrefix(lower) }
                XCTAssertEqual(
                    Set(mine.map { "\($0.action.rawValue) \($0.name)" }),
                    ["create \(names[1])", "update \(names[0])"], drift.renderText())
                let repaired = try await engine.reconcile(
                    desired: s1.result.state, commitSHA: s1.commitSHA, trigger: "timer")
                XCTAssertEqual(repaired.result, .applied, "\(repaired.errors)")
                try await expectEqual(
                    try await pulp.repository(named: names[0])?.basePath, "kiln/\(lower)-baseos/x86_64")
                try await expectNotNil(try await pulp.repository(named: names[1]))

                // Pulp stops in the middle: reads answered, writes refused (a closed port)
                try repo.write("platforms/q.yml", ReconcileFixture.platformYAML(name + "Q"))
                _ = try repo.commit("second platform")
                let s2 = try await reader.read()
                let dead = PulpArtifactStore(url: "http://127.0.0.1:9", username: "admin", password: "x")
                let broken = ReconcileEngine(
                    database: PostgresStateDatabase(client: client),
                    store: DeadAfterReads(reads: pulp, writes: dead), logger: quiet)
                let failed = try await broken.reconcile(
                    desired: s2.result.state, commitSHA: s2.commitSHA, trigger: "cli")
                try? await dead.shutdown()
                XCTAssertEqual(failed.result, .failed)
                try await expectEqual(
                    try await client.string("SELECT errors::text FROM reconcile_runs WHERE id = \(failed.runID)")?
                        .contains("\(lower)q-baseos-x86_64"), true)
                try await expectEqual(
                    try await client.count("SELECT count(*) FROM platforms WHERE name = \(name + "Q")"), 0)
                try await expectEqual(
                    try await client.count("SELECT count(*) FROM repositories WHERE name LIKE \(lower + "q-%")"), 0)
                let next = try await engine.reconcile(desired: s2.result.state, commitSHA: s2.commitSHA, trigger: "cli")
                XCTAssertEqual(next.result, .applied, "\(next.errors)")
                try await expectEqual(
                    try await client.count("SELECT count(*) FROM platforms WHERE name = \(name + "Q")"), 1)
                try await expectNotNil(try await pulp.repository(named: "\(lower)q-baseos-x86_64"))

                // prune: both files deleted -> rows and Pulp objects go
                try repo.remove("platforms/p.yml")
                try repo.remove("platforms/q.yml")
                _ = try repo.commit("none")
                let s3 = try await reader.read()
                let pruned = try await engine.reconcile(
                    desired: s3.result.state, commitSHA: s3.commitSHA, trigger: "cli")
                XCTAssertEqual(pruned.result, .applied, "\(pruned.errors)")
                try await expectEqual(try await client.count("SELECT count(*) FROM platforms"), 0)
                let left = try await pulp.listManagedRepositories().map(\.name).filter { $0.hasPrefix(lower) }
                XCTAssertEqual(left, [])
            }
        } catch {
            try? await pulp.deleteRepositories(
                named: names + names.map { $0.replacingOccurrences(of: lower, with: lower + "q") })
            try? await pulp.shutdown()
            throw error
        }
        try? await pulp.shutdown()
    }
}
