import Foundation
import KilnTestSupport
import PostgresNIO
import Reconciler
import Spec
import Statuses
import Store
import Testing

/// Teams planned, applied and pruned like the other kinds, against real PostgreSQL: members
/// without a user row get one, a role change is one update, every write is audited with its commit.
@Suite struct TeamReconcileTests {
    static func teamYAML(bobRoles: String) -> String {
        """
        name: infra
        platforms: [AlmaLinux-9]
        members:
          - login: newcomer
            roles: [manager]
          - login: bob
            roles: [\(bobRoles)]
        """
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        for try await n in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return Int(n) }
        return -1
    }

    @Test func createUpdateAndPrune() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            var engine = f.engine(client)
            let applied = ManagedCounter()
            engine.afterApply = { await applied.bump() }
            try f.repo.write("teams/infra.yml", Self.teamYAML(bobRoles: "contributor"))
            let sha1 = try f.repo.commit("a team")
            let s1 = try await f.reader.read(ref: "HEAD")
            #expect(s1.result.diagnostics == [])
            let plan1 = try await engine.plan(desired: s1.result.state, commitSHA: s1.commitSHA)
            #expect(
                Set(plan1.changes(of: .team).map(\.name)) == ["almalinux-core", "infra"]
                    && plan1.changes(of: .team).allSatisfy { $0.action == .create })
            let r1 = try await engine.reconcile(desired: s1.result.state, commitSHA: s1.commitSHA, trigger: "cli")
            #expect(r1.result == .applied, "\(r1.errors)")
            #expect(await applied.value == 1)
            #expect(
                try await Self.count(
                    client, "SELECT count(*) FROM users WHERE username = 'newcomer' AND created_by_team") == 1)
            #expect(
                try await Self.count(
                    client,
                    """
                    SELECT count(*) FROM team_members m JOIN teams t ON t.id = m.team_id JOIN users u ON u.id = m.user_id
                    WHERE t.name = 'infra' AND t.commit_sha = '\(sha1)'
                    """) == 2)
            #expect(
                try await Self.count(
                    client, "SELECT count(*) FROM audit_events WHERE object_kind = 'team' AND commit_sha = '\(sha1)'")
                    == 2)
            let again = try await engine.plan(desired: s1.result.state, commitSHA: s1.commitSHA)
            #expect(!again.hasChanges, "\(again.renderText())")

            // bob becomes a signer: one update, shown in the plan.
            try f.repo.write("teams/infra.yml", Self.teamYAML(bobRoles: "signer"))
            _ = try f.repo.commit("bob signs")
            let s2 = try await f.reader.read(ref: "HEAD")
            let plan2 = try await engine.plan(desired: s2.result.state, commitSHA: s2.commitSHA)
            #expect(plan2.changes.map(\.name) == ["infra"])
            #expect(plan2.changes.first?.action == .update)
            #expect(plan2.renderText().contains("signer"), "\(plan2.renderText())")
            #expect(
                try await engine.reconcile(desired: s2.result.state, commitSHA: s2.commitSHA, trigger: "cli").result
                    == .applied)
            #expect(
                try await Self.count(
                    client,
                    "SELECT count(*) FROM team_members m JOIN users u ON u.id = m.user_id WHERE u.username = 'bob' AND m.role = 'signer'"
                )
                    == 1)

            // The file goes: the team is deleted, the users stay.
            try f.repo.remove("teams/infra.yml")
            _ = try f.repo.commit("no infra")
            let s3 = try await f.reader.read(ref: "HEAD")
            let plan3 = try await engine.plan(desired: s3.result.state, commitSHA: s3.commitSHA)
            #expect(plan3.changes.map(\.action) == [.delete])
            #expect(
                try await engine.reconcile(desired: s3.result.state, commitSHA: s3.commitSHA, trigger: "cli").result
                    == .applied)
            #expect(try await Self.count(client, "SELECT count(*) FROM teams WHERE name = 'infra'") == 0)
            #expect(try await Self.count(client, "SELECT count(*) FROM users WHERE username = 'newcomer'") == 1)
            #expect(await applied.value == 3)
        }
    }
}

/// A counter the engine's `afterApply` bumps.
actor ManagedCounter {
    private(set) var value = 0
    func bump() { value += 1 }
}
