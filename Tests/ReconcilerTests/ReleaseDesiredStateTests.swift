import Foundation
import KilnTestSupport
import PostgresNIO
import Reconciler
import Spec
import Statuses
import Store
import XCTest

/// Release `state` and distribution `builds` planned, applied and read back against a real
/// PostgreSQL (TestDatabase) and the local artifact store.
final class ReleaseDesiredStateTests: XCTestCase {
    static let releasePath = "releases/almalinux-9-bash-update.yml"
    static let release = "almalinux-9-bash-update"

    func testReleaseStateIsWrittenAndAFinishedReleaseChangesOnlyItsState() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let engine = f.engine(client)
            try await client.query("INSERT INTO users (username) VALUES ('alice')")
            try await client.query("INSERT INTO builds (created_by) SELECT id FROM users WHERE username = 'alice'")
            let build = try await client.count("SELECT max(id) FROM builds")
            let original = try String(contentsOfFile: f.repo.path + "/" + Self.releasePath, encoding: .utf8)
            XCTAssertTrue(original.contains("state: planned\n") && original.contains("  - 1201\n  - 1202\n"))
            func commit(state: String) async throws -> DesiredStateSnapshot {
                try f.repo.write(
                    Self.releasePath,
                    original.replacingOccurrences(of: "state: planned\n", with: "state: \(state)\n")
                        .replacingOccurrences(of: "  - 1201\n  - 1202\n", with: "  - \(build)\n"))
                _ = try f.repo.commit("release \(state)")
                return try await f.desired()
            }
            let first = try await commit(state: "planned")
            let r1 = try await engine.reconcile(desired: first.result.state, commitSHA: first.commitSHA, trigger: "cli")
            XCTAssertEqual(r1.result, .applied, "\(r1.errors)")
            try await expectEqual(try await Self.desiredState(client), "planned")
            try await expectEqual(try await client.count("SELECT count(*) FROM release_builds"), 1)

            // planned -> committed: an update of the scheduled release that writes desired_state
            let committed = try await commit(state: "committed")
            let plan = try await engine.plan(desired: committed.result.state, commitSHA: committed.commitSHA)
            let changes = plan.changes.filter { $0.action != .keep }
            XCTAssertEqual(changes.map(\.action), [.update], plan.renderText())
            XCTAssertEqual(
                changes.first?.fields,
                [FieldChange(field: "state", before: .string("planned"), after: .string("committed"))])
            let r2 = try await engine.apply(savedPlan: plan, trigger: "cli")
            XCTAssertEqual(r2.result, .applied, "\(r2.errors)")
            try await expectEqual(try await Self.desiredState(client), "committed")

            // the release is committed (status 3): git marks it reverted
            try await client.query("UPDATE releases SET status = 3 WHERE name = \(Self.release)")
            let planBefore = try await client.string("SELECT plan::text FROM releases WHERE name = \(Self.release)")
            let reverted = try await commit(state: "reverted")
            let revert = try await engine.plan(desired: reverted.result.state, commitSHA: reverted.commitSHA)
            let update = try XCTUnwrap(revert.changes.first { $0.kind == .release })
            XCTAssertEqual(update.action, .update, revert.renderText())
            XCTAssertTrue(revert.renderText().contains(#"~ state = "committed" -> "reverted""#), revert.renderText())
            let r3 = try await engine.apply(savedPlan: revert, trigger: "cli")
            XCTAssertEqual(r3.result, .applied, "\(r3.errors)")
            try await expectEqual(try await Self.desiredState(client), "reverted")
            try await expectEqual(
                try await client.count("SELECT status::bigint FROM releases WHERE name = \(Self.release)"), 3)
            let again = try await engine.plan(desired: reverted.result.state, commitSHA: reverted.commitSHA)
            XCTAssertFalse(again.hasChanges, again.renderText())

            // the store guards it too: a finished release's platform, plan and builds stay
            var moved = try XCTUnwrap(reverted.result.state.releases.first)
            moved.platform = "AlmaLinux-8"
            moved.builds = []
            moved.packages = []
            moved.state = .committed
            try await DesiredStateStore(client: client).apply([.upsertRelease(moved)], commitSHA: "f00")
            try await expectEqual(try await Self.desiredState(client), "committed")
            try await expectEqual(
                try await client.string(
                    """
                    SELECT p.name FROM releases r JOIN platforms p ON p.id = r.platform_id
                    WHERE r.name = \(Self.release)
                    """), "AlmaLinux-9")
            try await expectEqual(
                try await client.string("SELECT plan::text FROM releases WHERE name = \(Self.release)"), planBefore)
            try await expectEqual(try await client.count("SELECT count(*) FROM release_builds"), 1)
            let read = try await DesiredStateStore(client: client).read()
            XCTAssertEqual(read.releases.first?.release.state, .committed)
            XCTAssertEqual(read.releases.first?.release.packages.first { $0.name == "bash-debugsource" }?.skip, true)
        }
    }

    func testDistributionBuildsAreWrittenReadBackAndRemoved() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let engine = f.engine(client)
            let path = "distributions/almalinux.yml"
            let plain = "name: almalinux\nplatforms: [AlmaLinux-8, AlmaLinux-9]\n"
            try f.repo.write(path, plain + "builds: [5, 3]\n")
            _ = try f.repo.commit("builds")
            let s1 = try await f.desired()
            let r1 = try await engine.reconcile(desired: s1.result.state, commitSHA: s1.commitSHA, trigger: "cli")
            XCTAssertEqual(r1.result, .applied, "\(r1.errors)")
            try await expectEqual(try await Self.distributionBuilds(client), [3, 5])
            let read = try await DesiredStateStore(client: client).read()
            XCTAssertEqual(read.distributions.first?.record.builds, [3, 5])
            let same = try await engine.plan(desired: s1.result.state, commitSHA: s1.commitSHA)
            XCTAssertFalse(same.hasChanges, same.renderText())

            try f.repo.write(path, plain + "builds: [3]\n")
            _ = try f.repo.commit("one build")
            let s2 = try await f.desired()
            let plan = try await engine.plan(desired: s2.result.state, commitSHA: s2.commitSHA)
            let change = try XCTUnwrap(plan.changes.first { $0.kind == .distribution })
            XCTAssertEqual(change.action, .update)
            XCTAssertEqual(
                change.fields,
                [FieldChange(field: "builds", before: .array([.int(3), .int(5)]), after: .array([.int(3)]))])
            let r2 = try await engine.apply(savedPlan: plan, trigger: "cli")
            XCTAssertEqual(r2.result, .applied, "\(r2.errors)")
            try await expectEqual(try await Self.distributionBuilds(client), [3])

            try f.repo.write(path, plain)
            _ = try f.repo.commit("no builds")
            let s3 = try await f.desired()
            let r3 = try await engine.reconcile(desired: s3.result.state, commitSHA: s3.commitSHA, trigger: "cli")
            XCTAssertEqual(r3.result, .applied, "\(r3.errors)")
            try await expectEqual(try await Self.distributionBuilds(client), [])
        }
    }

    private static func desiredState(_ client: PostgresClient) async throws -> String? {
        try await client.string("SELECT desired_state FROM releases WHERE name = \(Self.release)")
    }

    private static func distributionBuilds(_ client: PostgresClient) async throws -> [Int] {
        var out: [Int] = []
        for try await id in try await client.query("SELECT build_id FROM distribution_builds ORDER BY build_id")
            .decode(Int64.self)
        {
            out.append(Int(id))
        }
        return out
    }
}
