import Artifacts
import Foundation
import KilnTestSupport
import PostgresNIO
import Reconciler
import Spec
import Statuses
import Store
import XCTest

/// Plan and apply against a real PostgreSQL (TestDatabase) and the local artifact store.
final class ReconcileEngineTests: XCTestCase {
    func testEmptyToExamplesPlansEverythingThenApplyConverges() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let engine = f.engine(client)
            let snap = try await f.desired()
            let state = snap.result.state
            let plan = try await engine.plan(desired: state, commitSHA: snap.commitSHA)
            let repoCount = Planner.desiredRepositories(state).count
            XCTAssertEqual(plan.changes(of: .platform).count, state.platforms.count)
            XCTAssertEqual(plan.changes(of: .repository).count, repoCount)
            XCTAssertEqual(plan.changes(of: .signKey).count, state.signKeys.count)
            XCTAssertEqual(plan.changes(of: .distribution).count, 1)
            XCTAssertEqual(plan.changes(of: .release).count, 1)
            XCTAssertGreaterThan(plan.changes(of: .storeRepository).count, 0)
            XCTAssertTrue(plan.changes.allSatisfy { $0.action == .create })
            XCTAssertEqual(plan.toAdd, plan.changes.count)
            XCTAssertTrue(plan.renderText().contains("Plan: \(plan.changes.count) to add, 0 to change, 0 to destroy."))

            let result = try await engine.reconcile(desired: state, commitSHA: snap.commitSHA, trigger: "cli")
            XCTAssertEqual(result.result, .applied, "\(result.errors)")
            try await expectEqual(
                try await client.count("SELECT count(*) FROM repositories WHERE origin = 'git'"), repoCount)
            try await expectEqual(
                try await client.count("SELECT count(*) FROM platform_repositories"),
                state.platforms.map { Set($0.repos.map { "\($0.name)/\($0.arch)/\($0.debug)" }).count }.reduce(0, +))
            try await expectEqual(
                try await client.count(
                    """
                    SELECT count(*) FROM platforms WHERE commit_sha = \(snap.commitSHA)
                    """), state.platforms.count)
            try await expectEqual(
                try await client.string("SELECT result FROM reconcile_runs WHERE id = \(result.runID)"), "applied")
            try await expectEqual(
                try await client.count(
                    """
                    SELECT count(*) FROM reconcile_runs WHERE id = \(result.runID) AND plan IS NOT NULL AND duration_ms >= 0
                    """), 1)
            let stored = try await f.localStore.listManagedRepositories()
            XCTAssertEqual(stored.count, plan.changes(of: .storeRepository).count)

            let again = try await engine.plan(desired: state, commitSHA: snap.commitSHA)
            XCTAssertFalse(again.hasChanges, again.renderText())
            let noop = try await engine.reconcile(desired: state, commitSHA: snap.commitSHA, trigger: "timer")
            XCTAssertEqual(noop.result, .noChanges)
        }
    }

    func testNewCommitChangingOneFieldPlansExactlyThatChange() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let engine = f.engine(client)
            let first = try await f.desired()
            _ = try await engine.reconcile(desired: first.result.state, commitSHA: first.commitSHA, trigger: "cli")

            let path = f.repo.path + "/platforms/almalinux-9.yml"
            let yaml = try String(contentsOfFile: path, encoding: .utf8)
            try yaml.replacingOccurrences(of: "test_dist_name: almalinux", with: "test_dist_name: almalinux-kitten")
                .write(toFile: path, atomically: true, encoding: .utf8)
            let sha = try f.repo.commit("kitten tests")
            let snap = try await f.desired()
            XCTAssertEqual(snap.commitSHA, sha)
            XCTAssertEqual(snap.readPaths, ["platforms/almalinux-9.yml"])  // incremental read

            let plan = try await engine.plan(desired: snap.result.state, commitSHA: sha)
            XCTAssertEqual(plan.changes.filter { $0.action != .keep }.count, 1, plan.renderText())
            let change = try XCTUnwrap(plan.changes.first { $0.action == .update })
            XCTAssertEqual(change.kind, .platform)
            XCTAssertEqual(change.name, "AlmaLinux-9")
            XCTAssertEqual(
                change.fields,
                [
                    FieldChange(
                        field: "test_dist_name", before: .string("almalinux"),
                        after: .string("almalinux-kitten"))
                ])
            XCTAssertTrue(plan.renderText().contains("Plan: 0 to add, 1 to change, 0 to destroy."))

            let result = try await engine.apply(savedPlan: plan, trigger: "cli")
            XCTAssertEqual(result.result, .applied, "\(result.errors)")
            try await expectEqual(
                try await client.string("SELECT test_dist_name FROM platforms WHERE name = 'AlmaLinux-9'"),
                "almalinux-kitten")
            try await expectEqual(
                try await client.string("SELECT commit_sha FROM platforms WHERE name = 'AlmaLinux-9'"), sha)
            try await expectEqual(
                try await client.string("SELECT commit_sha FROM platforms WHERE name = 'AlmaLinux-8'"),
                first.commitSHA)  // untouched rows keep the commit that last wrote them
        }
    }

    func testDeletedPlatformIsPrunedButOneUsedByABuildIsKept() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let engine = f.engine(client)
            try f.repo.write("platforms/gone.yml", ReconcileFixture.platformYAML("Gone"))
            try f.repo.write("platforms/busy.yml", ReconcileFixture.platformYAML("Busy"))
            _ = try f.repo.commit("two extra platforms")
            let s1 = try await f.desired()
            let r1 = try await engine.reconcile(desired: s1.result.state, commitSHA: s1.commitSHA, trigger: "cli")
            XCTAssertEqual(r1.result, .applied, "\(r1.errors)")

            // a build task on Busy
            try await client.addBuildTask(platform: "Busy")

            try f.repo.remove("platforms/gone.yml")
            try f.repo.remove("platforms/busy.yml")
            _ = try f.repo.commit("drop both")
            let s2 = try await f.desired()
            let plan = try await engine.plan(desired: s2.result.state, commitSHA: s2.commitSHA)
            let deleted = Set(plan.changes.filter { $0.action == .delete }.map { "\($0.kind.rawValue):\($0.name)" })
            XCTAssertEqual(
                deleted,
                [
                    "platform:Gone", "repository:gone-baseos/x86_64",
                    "repository:gone-baseos-debuginfo/x86_64/debug",
                    "store_repository:gone-baseos-x86_64",
                    "store_repository:gone-baseos-debuginfo-x86_64-debug"
                ], plan.renderText())
            let kept = try XCTUnwrap(plan.changes.first { $0.kind == .platform && $0.name == "Busy" })
            XCTAssertEqual(kept.action, .keep)
            XCTAssertEqual(kept.reason, "not deleted: used by 1 build task(s)")
            XCTAssertTrue(
                plan.changes.contains {
                    $0.kind == .repository && $0.name == "busy-baseos/x86_64" && $0.action == .keep
                })
            XCTAssertTrue(
                plan.changes.contains {
                    $0.kind == .storeRepository && $0.name == "busy-baseos-x86_64" && $0.action == .keep
                })
            XCTAssertTrue(plan.renderText().contains("used by 1 build task(s)"))
            XCTAssertTrue(plan.renderText().contains("Plan: 0 to add, 0 to change, 5 to destroy."))

            let r2 = try await engine.apply(savedPlan: plan, trigger: "cli")
            XCTAssertEqual(r2.result, .applied, "\(r2.errors)")
            try await expectEqual(try await client.count("SELECT count(*) FROM platforms WHERE name = 'Gone'"), 0)
            try await expectEqual(
                try await client.count("SELECT count(*) FROM repositories WHERE name LIKE 'gone-%'"), 0)
            try await expectEqual(try await client.count("SELECT count(*) FROM platforms WHERE name = 'Busy'"), 1)
            try await expectEqual(
                try await client.count("SELECT count(*) FROM repositories WHERE name LIKE 'busy-%'"), 2)
            let names = Set(try await f.localStore.listManagedRepositories().map(\.name))
            XCTAssertFalse(names.contains("gone-baseos-x86_64"))
            XCTAssertTrue(names.contains("busy-baseos-x86_64"))
            let after = try await engine.plan(desired: s2.result.state, commitSHA: s2.commitSHA)
            XCTAssertFalse(after.hasChanges, after.renderText())
        }
    }

    func testDriftInPostgresAndInTheStoreIsFoundAndRepaired() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let engine = f.engine(client)
            let snap = try await f.desired()
            _ = try await engine.reconcile(desired: snap.result.state, commitSHA: snap.commitSHA, trigger: "cli")

            try await client.query("UPDATE platforms SET distr_version = '7' WHERE name = 'AlmaLinux-8'")
            try await client.query(
                """
                UPDATE repositories SET url = 'http://evil.example/' WHERE name = 'almalinux-9-baseos' AND arch = 'x86_64'
                """)
            // the public key swapped in the database and the key's platform link dropped: drift
            try await client.query("UPDATE sign_keys SET public_key = 'tampered' WHERE name = 'almalinux-9'")
            try await client.query("DELETE FROM sign_key_platforms")
            let store = f.localStore
            try await store.deleteRepository(named: "epel-9-x86_64")
            let crb = try await store.repository(named: "almalinux-9-crb-x86_64")
            var moved = try XCTUnwrap(crb).spec
            moved.basePath = "somewhere/else"
            _ = try await store.ensureRepository(moved)

            let plan = try await engine.plan(desired: snap.result.state, commitSHA: snap.commitSHA)
            let got = Set(
                plan.changes.filter { $0.action != .keep }.map {
                    "\($0.action.rawValue) \($0.kind.rawValue):\($0.name)"
                })
            XCTAssertEqual(
                got,
                [
                    "update platform:AlmaLinux-8", "update repository:almalinux-9-baseos/x86_64",
                    "update sign_key:almalinux-9", "create store_repository:epel-9-x86_64",
                    "update store_repository:almalinux-9-crb-x86_64"
                ], plan.renderText())
            XCTAssertTrue(plan.renderText().contains("~ distr_version = \"7\" -> \"8\""), plan.renderText())
            XCTAssertTrue(plan.renderText().contains("platforms"), plan.renderText())
            XCTAssertFalse(plan.renderText().contains("BEGIN PGP"), "the plan shows a digest, never the armored key")

            let result = try await engine.reconcile(
                desired: snap.result.state, commitSHA: snap.commitSHA, trigger: "timer")
            XCTAssertEqual(result.result, .applied, "\(result.errors)")
            try await expectEqual(
                try await client.string("SELECT distr_version FROM platforms WHERE name = 'AlmaLinux-8'"), "8")
            try await expectEqual(
                try await store.repository(named: "almalinux-9-crb-x86_64")?.basePath, "kiln/almalinux-9-crb/x86_64")
            try await expectNotNil(try await store.repository(named: "epel-9-x86_64"))
            try await expectEqual(
                try await client.string(
                    """
                    SELECT p.name FROM sign_key_platforms kp JOIN platforms p ON p.id = kp.platform_id
                    JOIN sign_keys k ON k.id = kp.sign_key_id WHERE k.name = 'almalinux-9'
                    """), "AlmaLinux-9")
            try await expectEqual(
                try await client.string("SELECT left(public_key, 36) FROM sign_keys WHERE name = 'almalinux-9'"),
                "-----BEGIN PGP PUBLIC KEY BLOCK-----")
            let after = try await engine.plan(desired: snap.result.state, commitSHA: snap.commitSHA)
            XCTAssertFalse(after.hasChanges, after.renderText())
        }
    }

    func testTwoAppliesAtOnceOneRunsOneSkips() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let engine = f.engine(client)
            let snap = try await f.desired()
            let runs = ReconcileRunStore(client: client)
            // the outer apply holds the lock (as another process would) while a second one starts
            let inner = try await runs.withReconcileLock { () -> ReconcileResult in
                try await engine.reconcile(desired: snap.result.state, commitSHA: snap.commitSHA, trigger: "webhook")
            }
            XCTAssertEqual(inner?.result, .skipped)
            XCTAssertEqual(inner?.errors, ["skipped: another reconcile is running"])
            try await expectEqual(try await client.count("SELECT count(*) FROM platforms"), 0)

            // truly concurrent: exactly one applies the changes
            async let a = engine.reconcile(desired: snap.result.state, commitSHA: snap.commitSHA, trigger: "api")
            async let b = engine.reconcile(desired: snap.result.state, commitSHA: snap.commitSHA, trigger: "timer")
            let results = try await [a, b].map(\.result).sorted { $0.rawValue < $1.rawValue }
            XCTAssertTrue(results == [.applied, .skipped] || results == [.applied, .noChanges], "\(results)")
            try await expectEqual(
                try await client.count("SELECT count(*) FROM reconcile_runs WHERE result = 'applied'"), 1)
            try await expectEqual(
                try await client.count("SELECT count(*) FROM reconcile_runs WHERE result = 'skipped'"),
                results.contains(.skipped) ? 2 : 1)
        }
    }

    func testSavedPlanIsRefusedAsStaleWhenTheStateMoved() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let engine = f.engine(client)
            let snap = try await f.desired()
            let plan = try await engine.plan(desired: snap.result.state, commitSHA: snap.commitSHA)
            let decoded = try Plan.decode(try plan.jsonData())  // what `kiln apply FILE` reads
            // the state moves: someone adds a sign key by hand
            try await client.query(
                """
                INSERT INTO sign_keys (name, keyid, fingerprint, origin) VALUES ('hand', '0123456789ABCDEF',
                  '0123456789ABCDEF0123456789ABCDEF01234567', 'api')
                """)
            let result = try await engine.apply(savedPlan: decoded, trigger: "cli")
            XCTAssertEqual(result.result, .failed)
            XCTAssertTrue(result.errors.first?.hasPrefix("stale plan:") ?? false, "\(result.errors)")
            try await expectEqual(try await client.count("SELECT count(*) FROM platforms"), 0)
            try await expectEqual(try await client.count("SELECT count(*) FROM repositories"), 0)
            try await expectEqual(try await f.localStore.listManagedRepositories().count, 0)
            try await expectEqual(
                try await client.string("SELECT result FROM reconcile_runs WHERE id = \(result.runID)"), "failed")

            // a fresh plan shows the API object as such and applies
            let fresh = try await engine.plan(desired: snap.result.state, commitSHA: snap.commitSHA)
            let hand = try XCTUnwrap(fresh.changes.first { $0.name == "hand" })
            XCTAssertEqual(hand.action, .keep)
            XCTAssertEqual(hand.origin, .api)
            XCTAssertTrue(fresh.renderText().contains("sign_key \"hand\" is kept (origin api)"), fresh.renderText())
            try await expectEqual(try await engine.apply(savedPlan: fresh, trigger: "cli").result, .applied)
            try await expectEqual(try await client.count("SELECT count(*) FROM sign_keys WHERE name = 'hand'"), 1)
        }
    }

    func testStoreFailureMidApplyWritesNoRowsAndTheNextApplyConverges() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let snap = try await f.desired()
            try await expectEqual(
                try await f.engine(client).reconcile(
                    desired: snap.result.state, commitSHA: snap.commitSHA,
                    trigger: "cli"
                ).result, .applied)
            try f.repo.write("platforms/new.yml", ReconcileFixture.platformYAML("New"))
            let sha = try f.repo.commit("add New")
            let s2 = try await f.desired()

            // the artifact store goes away: a Pulp URL on a closed port
            let dead = PulpArtifactStore(url: "http://127.0.0.1:9", username: "admin", password: "x")
            let broken = f.engine(client, store: DeadAfterReads(reads: f.localStore, writes: dead))
            let failed = try await broken.reconcile(desired: s2.result.state, commitSHA: sha, trigger: "cli")
            try? await dead.shutdown()
            XCTAssertEqual(failed.result, .failed)
            XCTAssertTrue(
                failed.errors.contains { $0.contains("store_repository \"new-baseos-x86_64\"") }, "\(failed.errors)")
            XCTAssertTrue(failed.artifactStoreUnavailable, "a closed port is the store being away: \(failed.errors)")
            try await expectEqual(
                try await client.string("SELECT result FROM reconcile_runs WHERE id = \(failed.runID)"), "failed")
            let recorded =
                try await client.string("SELECT errors::text FROM reconcile_runs WHERE id = \(failed.runID)") ?? ""
            XCTAssertTrue(recorded.contains("new-baseos-x86_64"), recorded)
            try await expectEqual(try await client.count("SELECT count(*) FROM platforms WHERE name = 'New'"), 0)
            try await expectEqual(
                try await client.count("SELECT count(*) FROM repositories WHERE name LIKE 'new-%'"), 0)

            let fixed = try await f.engine(client).reconcile(desired: s2.result.state, commitSHA: sha, trigger: "cli")
            XCTAssertEqual(fixed.result, .applied, "\(fixed.errors)")
            XCTAssertFalse(fixed.artifactStoreUnavailable)
            try await expectEqual(try await client.count("SELECT count(*) FROM platforms WHERE name = 'New'"), 1)
            let after = try await f.engine(client).plan(desired: s2.result.state, commitSHA: sha)
            XCTAssertFalse(after.hasChanges, after.renderText())
        }
    }

    func testDatabaseFailureRollsBackEveryRow() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let snap = try await f.desired()
            // a hand-made sign key holding the keyid git wants for another name: the insert fails late
            try await client.query(
                """
                INSERT INTO sign_keys (name, keyid, fingerprint, origin) VALUES ('squatter', 'D36CB86CB86B3716',
                  'BF18AC2876178908D6E71267D36CB86CB86B3716', 'api')
                """)
            let result = try await f.engine(client).reconcile(
                desired: snap.result.state, commitSHA: snap.commitSHA,
                trigger: "cli")
            XCTAssertEqual(result.result, .failed)
            XCTAssertTrue(result.errors.first?.contains("rolled back") ?? false, "\(result.errors)")
            try await expectEqual(try await client.count("SELECT count(*) FROM platforms"), 0)
            try await expectEqual(try await client.count("SELECT count(*) FROM repositories"), 0)
            try await expectEqual(try await client.count("SELECT count(*) FROM sign_keys"), 1)
        }
    }
}

/// Reads from a working store, writes to a dead one: the store stops between plan and apply.
struct DeadAfterReads: ArtifactStore {
    let reads: any ArtifactStore
    let writes: any ArtifactStore
    var storeDescription: String { "dead after reads" }
    func listManagedRepositories() async throws -> [StoreRepository] { try await reads.listManagedRepositories() }
    func repository(named name: String) async throws -> StoreRepository? { try await writes.repository(named: name) }
    func ensureRepository(_ spec: StoreRepositorySpec) async throws -> StoreRepository {
        try await writes.ensureRepository(spec)
    }
    func deleteRepository(named name: String) async throws { try await writes.deleteRepository(named: name) }
    func uploadArtifact(file: URL) async throws -> UploadedArtifact { try await writes.uploadArtifact(file: file) }
    func importPackages(_ items: [ImportItem], into repository: String) async throws -> [ImportedPackage] {
        try await writes.importPackages(items, into: repository)
    }
    func modifyContent(of repository: String, add: [String], remove: [String]) async throws {
        try await writes.modifyContent(of: repository, add: add, remove: remove)
    }
    func listContent(of repository: String) async throws -> [StoreContent] {
        try await writes.listContent(of: repository)
    }
    func contentCount(of repository: String) async throws -> Int { try await reads.contentCount(of: repository) }
    func downloadPackage(fileName: String, in repository: String, to destination: URL) async throws {
        try await writes.downloadPackage(fileName: fileName, in: repository, to: destination)
    }
    func shutdown() async throws {}
}
