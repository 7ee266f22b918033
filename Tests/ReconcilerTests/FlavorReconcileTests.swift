import Foundation
import KilnTestSupport
import PostgresNIO
import Reconciler
import Spec
import Statuses
import Store
import Testing

/// Platform flavors planned, applied and pruned like the other kinds, against real PostgreSQL.
@Suite struct FlavorReconcileTests {
    static func flavorYAML(vendor: String) -> String {
        """
        name: Extra
        data:
          definitions: {vendor: \(vendor)}
        repositories:
          - {name: extra-repo, arch: x86_64, url: 'https://extra.example.org/x86_64/', type: rpm}
        """
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        for try await n in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return Int(n) }
        return -1
    }

    static func desired(_ f: ReconcileFixture) async throws -> DesiredStateSnapshot {
        let snapshot = try await f.reader.read(ref: "HEAD")
        #expect(snapshot.result.diagnostics == [])
        return snapshot
    }

    @Test func createUpdateKeepWhileNamedThenPrune() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let engine = f.engine(client)
            try f.repo.write("flavors/extra.yml", Self.flavorYAML(vendor: "One"))
            _ = try f.repo.commit("a flavor")
            let s1 = try await Self.desired(f)
            let plan1 = try await engine.plan(desired: s1.result.state, commitSHA: s1.commitSHA)
            #expect(
                Set(plan1.changes(of: .flavor).map(\.name)) == ["AlmaLinux-9-beta", "Extra"]
                    && plan1.changes(of: .flavor).allSatisfy { $0.action == .create })
            #expect(plan1.changes(of: .repository).contains { $0.name == "extra-repo/x86_64" && $0.action == .create })
            let r1 = try await engine.reconcile(desired: s1.result.state, commitSHA: s1.commitSHA, trigger: "cli")
            #expect(r1.result == .applied, "\(r1.errors)")
            #expect(
                try await Self.count(
                    client,
                    "SELECT count(*) FROM platform_flavors WHERE name = 'Extra' AND commit_sha = '\(s1.commitSHA)' "
                        + "AND data = '{\"definitions\": {\"vendor\": \"One\"}}'::jsonb AND modularity IS NULL") == 1)
            #expect(
                try await Self.count(
                    client,
                    """
                    SELECT count(*) FROM platform_flavor_repositories fr JOIN platform_flavors f ON f.id = fr.flavor_id
                    JOIN repositories r ON r.id = fr.repository_id WHERE f.name = 'Extra' AND r.name = 'extra-repo'
                    """) == 1)
            #expect(
                try await Self.count(
                    client,
                    "SELECT count(*) FROM platform_flavor_repositories fr JOIN platform_flavors f ON f.id = fr.flavor_id "
                        + "WHERE f.name = 'AlmaLinux-9-beta'") == 4)
            let again = try await engine.plan(desired: s1.result.state, commitSHA: s1.commitSHA)
            #expect(!again.hasChanges, "\(again.renderText())")

            // One field changes: exactly one update, shown in the plan.
            try f.repo.write("flavors/extra.yml", Self.flavorYAML(vendor: "Two"))
            _ = try f.repo.commit("vendor two")
            let s2 = try await Self.desired(f)
            let plan2 = try await engine.plan(desired: s2.result.state, commitSHA: s2.commitSHA)
            #expect(
                plan2.changes.filter { $0.action != .keep }.map { "\($0.kind.rawValue):\($0.name):\($0.action)" } == [
                    "flavor:Extra:update"
                ])
            #expect(plan2.renderText().contains("Two"))
            let r2 = try await engine.apply(savedPlan: plan2, trigger: "cli")
            #expect(r2.result == .applied, "\(r2.errors)")
            #expect(
                try await Self.count(
                    client, "SELECT count(*) FROM platform_flavors WHERE data #>> '{definitions,vendor}' = 'Two'") == 1)

            // Named by a build: removing it from git keeps it (and its repository).
            try await client.query("INSERT INTO users (username) VALUES ('alice')")
            try await client.query("INSERT INTO builds (created_by) SELECT id FROM users WHERE username = 'alice'")
            try await client.query(
                """
                INSERT INTO build_platform_flavors (build_id, flavor_id)
                SELECT (SELECT max(id) FROM builds), id FROM platform_flavors WHERE name = 'Extra'
                """)
            try f.repo.remove("flavors/extra.yml")
            _ = try f.repo.commit("drop the flavor")
            let s3 = try await Self.desired(f)
            let plan3 = try await engine.plan(desired: s3.result.state, commitSHA: s3.commitSHA)
            let kept = try #require(plan3.changes.first { $0.kind == .flavor && $0.name == "Extra" })
            #expect(kept.action == .keep && kept.reason == "not deleted: named by 1 build(s)")
            #expect(
                plan3.changes.contains {
                    $0.kind == .repository && $0.name == "extra-repo/x86_64" && $0.action == .keep
                })
            let r3 = try await engine.apply(savedPlan: plan3, trigger: "cli")
            #expect(r3.result == .applied || r3.result == .noChanges, "\(r3.errors)")
            #expect(try await Self.count(client, "SELECT count(*) FROM platform_flavors WHERE name = 'Extra'") == 1)

            // No longer named: pruned with its repository.
            try await client.query("DELETE FROM build_platform_flavors")
            let plan4 = try await engine.plan(desired: s3.result.state, commitSHA: s3.commitSHA)
            #expect(
                Set(
                    plan4.changes.filter { $0.action == .delete && $0.kind != .storeRepository }.map {
                        "\($0.kind.rawValue):\($0.name)"
                    }) == ["flavor:Extra", "repository:extra-repo/x86_64"])
            let r4 = try await engine.apply(savedPlan: plan4, trigger: "cli")
            #expect(r4.result == .applied, "\(r4.errors)")
            #expect(try await Self.count(client, "SELECT count(*) FROM platform_flavors WHERE name = 'Extra'") == 0)
            #expect(try await Self.count(client, "SELECT count(*) FROM repositories WHERE name = 'extra-repo'") == 0)
            let after = try await engine.plan(desired: s3.result.state, commitSHA: s3.commitSHA)
            #expect(!after.hasChanges, "\(after.renderText())")
        }
    }
}
