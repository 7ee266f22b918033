import Foundation
import NIOHTTP1
import PostgresNIO
import Server
import Spec
import Store
import Testing

/// Every typed answer of the build and desired-state read routes equals what PostgreSQL rendered
/// before the wire types existed (`LegacyJSON`): same fields, same value types, same values,
/// timestamps to the microsecond, nulls present.
@Suite struct WireCompatibilityTests {
    /// The answer's body parsed as a JSON value.
    func value(_ answer: HTTPAnswer) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: answer.body)
    }

    /// A build (or list of builds) without the fields added since the SQL rendering (issue 9:
    /// checked by `BuildAPIExtrasTests`), so the legacy fields are compared exactly.
    func legacyBuildFields(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let builds): return .array(builds.map(legacyBuildFields))
        case .object(var build):
            for key in [
                "owner", "mock_options", "platform_flavors", "product_id", "parallel_mode_enabled", "sign_tasks"
            ] {
                build[key] = nil
            }
            if case .array(let tasks)? = build["tasks"] {
                build["tasks"] = .array(
                    tasks.map { task in
                        guard case .object(var fields) = task else { return task }
                        for key in [
                            "is_secure_boot", "mock_options", "performance_stats", "is_cas_authenticated",
                            "alma_commit_cas_hash", "test_tasks"
                        ] { fields[key] = nil }
                        return .object(fields)
                    })
            }
            return .object(build)
        default: return value
        }
    }

    @Test func buildAnswersMatchTheSQLRendering() async throws {
        let packages = try TestPackages.get()
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64", "i686"])
            let user = try await h.userToken("alice")
            let base = try await h.createBuild(token: user, arches: ["x86_64", "i686"], projects: ["hello", "world"])
            _ = try await h.createBuild(token: user, linked: [base.id])
            // A finished task with artifacts (nulls and non-nulls), a failed one with an error.
            let node = try await SimulatedNode(h, name: "n1", arches: ["x86_64"])
            let claimed = try await node.getTask()
            #expect(claimed?.id == base.tasks[0])
            let done = try await node.buildDone(base.tasks[0], rpms: [packages.rpm("hello", arch: "x86_64")], log: "ok")
            #expect(done.status == 200, "\(done.text)")
            try await h.client.query(
                """
                UPDATE build_tasks SET status = 3, error = 'boom', finished_at = now() WHERE id = \(Int64(base.tasks[1]))
                """)

            let one = try await h.call(.GET, "/api/v1/builds/\(base.id)/", token: user)
            #expect(one.status == 200)
            let legacyOne = try await LegacyJSON.value(
                h.client, "SELECT \(LegacyJSON.build)::text FROM builds b WHERE b.id = \(base.id)")
            #expect(legacyBuildFields(try value(one)) == legacyOne)

            let all = try await h.call(.GET, "/api/v1/builds/", token: user)
            #expect(legacyBuildFields(try value(all)) == (try await LegacyJSON.value(h.client, LegacyJSON.builds)))
            // Present even when null.
            let task = try #require(all.array.last?["tasks"] as? [[String: Any]]).first {
                $0["id"] as? Int == base.tasks[2]
            }
            #expect(task?.keys.contains("ts") == true && task?["ts"] is NSNull)
            #expect(task?.keys.contains("error") == true)

            let page = try await h.call(.GET, "/api/v1/builds/?pageNumber=1", token: user)
            guard case .object(let fields) = try value(page) else {
                Issue.record("the builds page is not an object: \(page.text)")
                return
            }
            #expect(Set(fields.keys) == ["builds", "total_builds", "current_page"])
            #expect(fields["total_builds"] == .int(2))
            #expect(fields["current_page"] == .int(1))
        }
    }

    @Test func desiredStateAnswersMatchTheSQLRendering() async throws {
        try await RouterHarness.with { h in
            let platform = try await Fixtures.platform(h.client, name: "AlmaLinux-9", arches: ["x86_64", "aarch64"])
            try await h.client.query("UPDATE platforms SET commit_sha = 'abc123' WHERE id = \(platform)")
            try await h.client.query(
                """
                INSERT INTO repositories (name, arch, url, type, origin, pulp_href, production)
                VALUES ('kiln-build-1-x', 'x86_64', 'https://p.example.org/b/', 'rpm', 'build', '/pulp/api/v3/x/', true)
                """)
            try await h.client.query(
                """
                WITH d AS (INSERT INTO distributions (name, commit_sha) VALUES ('almalinux', 'abc123') RETURNING id)
                INSERT INTO distribution_platforms (distribution_id, platform_id) SELECT id, \(platform) FROM d
                """)
            try await h.client.query("INSERT INTO distributions (name, origin) VALUES ('empty', 'api')")
            try await h.client.query(
                """
                INSERT INTO sign_keys (name, description, keyid, fingerprint, public_url, commit_sha)
                VALUES ('almalinux-9', 'AlmaLinux 9', 'D36CB86CB86B3716', 'BF18AC2876178908D6E71267D36CB86CB86B3716',
                        'https://repo.almalinux.org/RPM-GPG-KEY-AlmaLinux-9', NULL)
                """)
            let user = try await h.userToken("alice")

            let platforms = try await h.call(.GET, "/api/v1/platforms/")
            #expect(platforms.status == 200)
            #expect(try value(platforms) == (try await LegacyJSON.value(h.client, LegacyJSON.platforms)))
            let distributions = try await h.call(.GET, "/api/v1/distributions/")
            #expect(try value(distributions) == (try await LegacyJSON.value(h.client, LegacyJSON.distributions)))
            let repositories = try await h.call(.GET, "/api/v1/repositories/", token: user)
            #expect(try value(repositories) == (try await LegacyJSON.value(h.client, LegacyJSON.repositories)))
            #expect(repositories.array.contains { $0["origin"] as? String == "build" })
            let id = try #require(repositories.array.first?["id"] as? Int)
            let repository = try await h.call(.GET, "/api/v1/repositories/\(id)/", token: user)
            #expect(
                try value(repository)
                    == (try await LegacyJSON.value(
                        h.client, "SELECT \(LegacyJSON.repositoryObject)::text FROM repositories r WHERE r.id = \(id)"))
            )
            let keys = try await h.call(.GET, "/api/v1/sign-keys/", token: user)
            #expect(try value(keys) == (try await LegacyJSON.value(h.client, LegacyJSON.signKeys)))
        }
    }

    @Test func reconcileRunAnswersMatchTheSQLRendering() async throws {
        try await RouterHarness.with { h in
            var ids: [Int64] = []
            for sql in [
                """
                INSERT INTO reconcile_runs (trigger, commit_sha, plan, result, errors, finished_at, duration_ms)
                VALUES ('api', 'abc', '{"changes": [{"kind": "platform", "n": 1, "ok": true, "x": null, "f": 1.5}]}'::jsonb,
                        'applied', '[]'::jsonb, now(), 42) RETURNING id
                """,
                "INSERT INTO reconcile_runs (trigger) VALUES ('timer') RETURNING id",
                """
                INSERT INTO reconcile_runs (trigger, result, errors, finished_at, duration_ms)
                VALUES ('webhook', 'failed', '["git: not found"]'::jsonb, now(), 7) RETURNING id
                """
            ] {
                for try await id in try await h.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) {
                    ids.append(id)
                }
            }
            let user = try await h.userToken("alice")
            for id in ids {
                let run = try await h.call(.GET, "/api/v1/reconcile/runs/\(id)", token: user)
                #expect(run.status == 200, "\(run.text)")
                #expect(try value(run) == (try await LegacyJSON.value(h.client, LegacyJSON.run(id: id))))
            }
            for page in [1, 2] {
                let runs = try await h.call(.GET, "/api/v1/reconcile/runs?page=\(page)", token: user)
                #expect(
                    try value(runs) == (try await LegacyJSON.value(h.client, LegacyJSON.runsPage(page: page, size: 20)))
                )
            }
        }
    }

    /// The wire timestamp is PostgreSQL's `to_json(timestamptz)` text in UTC, and reads back.
    @Test func timestampsAreWrittenAsPostgreSQLWritesThem() async throws {
        try await RouterHarness.with { h in
            for literal in [
                "2026-03-01 12:00:00+00", "2026-03-01 12:00:00.5+00", "2026-03-01 12:00:00.123456+00",
                "1999-12-31 23:59:59.000001+00", "2026-03-01 12:00:00.12+02"
            ] {
                let sql = "SELECT json_build_array('\(literal)'::timestamptz)::text, '\(literal)'::timestamptz"
                let (json, date) = try await h.client.withConnection { connection in
                    try await connection.query("SET TIME ZONE 'UTC'", logger: LegacyJSON.logger)
                    for try await row in try await connection.query(
                        PostgresQuery(unsafeSQL: sql), logger: LegacyJSON.logger
                    )
                    .decode((String, Date).self) { return row }
                    throw HarnessError(description: "no row")
                }
                let text = try JSONDecoder().decode([String].self, from: Data(json.utf8))[0]
                #expect(WireJSON.timestamp(date) == text)
                let parsed = try #require(WireJSON.parseTimestamp(text))
                #expect(abs(parsed.timeIntervalSince(date)) < 0.000_001)
            }
        }
    }
}
