import KilnTestSupport
import PostgresNIO
import Statuses
import Store
import Testing

/// What a release placement reads from PostgreSQL (`ReleaseCommitStore.facts`), on a real
/// database: the builds' RPMs with signed state, key and platform; each build's test outcome
/// (latest revision); which builds exist; the keys each platform accepts.
@Suite struct ReleaseFactsTests {
    @Test func factsReadPackagesTestsAndKeys() async throws {
        try await TestDatabase.with { client, _ in
            try await client.query(
                """
                INSERT INTO platforms (name, type, distr_type, distr_version, test_dist_name, arch_list, data)
                VALUES ('P', 'rpm', 'rhel', '9', 'almalinux', '["x86_64"]', '{}')
                """)
            try await client.query("INSERT INTO users (username) VALUES ('alice')")
            try await client.query(
                "INSERT INTO sign_keys (name, keyid, fingerprint) VALUES ('k', '0123456789ABCDEF', repeat('0', 40))")
            try await client.query(
                """
                INSERT INTO sign_key_platforms (sign_key_id, platform_id)
                SELECT k.id, p.id FROM sign_keys k, platforms p WHERE k.name = 'k' AND p.name = 'P'
                """)
            try await client.query("INSERT INTO build_task_refs (url) VALUES ('https://git.example.org/bash.git')")
            var tasks: [Int64] = []
            for _ in 0..<3 {
                for try await id in try await client.query(
                    """
                    WITH b AS (INSERT INTO builds (created_by) SELECT id FROM users RETURNING id)
                    INSERT INTO build_tasks (build_id, platform_id, ref_id, arch, index)
                    SELECT b.id, p.id, (SELECT max(id) FROM build_task_refs), 'x86_64', 0 FROM b, platforms p
                    RETURNING id
                    """
                ).decode(Int64.self) { tasks.append(id) }
            }
            var builds: [Int64] = []
            for task in tasks {
                for try await id in try await client.query("SELECT build_id FROM build_tasks WHERE id = \(task)")
                    .decode(Int64.self)
                { builds.append(id) }
                try await client.query(
                    """
                    INSERT INTO artifacts (build_task_id, name, type, href, sha256, arch, rpm_name, rpm_epoch,
                                           rpm_version, rpm_release, signed, sign_key_id)
                    VALUES (\(task), 'bash-5.1-1.x86_64.rpm', 'rpm', \("/c/\(task)/"), 'ABC', 'x86_64', 'bash', '',
                            '5.1', '1', \(task == tasks[0]), (SELECT id FROM sign_keys WHERE \(task == tasks[0])))
                    """)
            }
            let completed = TestTaskStatus.completed.rawValue
            let failed = TestTaskStatus.failed.rawValue
            // build 0: revision 1 failed, revision 2 passed (the latest counts); build 1 failed; build 2 untested
            try await client.query(
                """
                INSERT INTO test_tasks (build_task_id, package_name, status, revision)
                VALUES (\(tasks[0]), 'bash', \(failed), 1), (\(tasks[0]), 'bash', \(completed), 2),
                       (\(tasks[1]), 'bash', \(failed), 1)
                """)
            let facts = try await ReleaseCommitStore(client: client).facts(
                buildIDs: builds + [999_999], platforms: ["P"])
            #expect(facts.existing == Set(builds))
            #expect(facts.tests[builds[0]] == .passed)
            #expect(facts.tests[builds[1]] == .failed)
            #expect(facts.tests[builds[2]] == TestOutcomeName.none)
            #expect(facts.platformKeys["P"] == ["k"])
            #expect(facts.candidates.count == 3)
            let first = try #require(facts.candidates.first { $0.buildID == builds[0] })
            #expect(first.nevra == "bash-5.1-1.x86_64", "no epoch: 0")
            #expect(first.signed && first.signKey == "k")
            #expect(first.sha256 == "abc", "lower-cased")
            #expect(first.platform == "P")
            #expect(facts.candidates.filter { $0.buildID != builds[0] }.allSatisfy { !$0.signed && $0.signKey == nil })
        }
    }
}
