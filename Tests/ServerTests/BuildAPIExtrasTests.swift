import Foundation
import NIOHTTP1
import PostgresNIO
import Server
import Store
import Testing

/// Issue 9's build API as ALBS has it: cancel, parallel restart, the list filters, public reads
/// and the extra build JSON fields, against the router in-process. Nodes list `src` too and
/// tasks are found by id or index, so the tests hold whether or not builds start with src tasks.
@Suite struct BuildAPIExtrasTests {
    /// The build's tasks as `(id, index, status)`, from its JSON.
    func tasks(_ h: RouterHarness, _ buildID: Int) async throws -> [(id: Int, index: Int, status: Int)] {
        let answer = try await h.call(.GET, "/api/v1/builds/\(buildID)/")
        return (answer.object["tasks"] as? [[String: Any]] ?? []).compactMap { task in
            guard let id = task["id"] as? Int, let index = task["index"] as? Int, let status = task["status"] as? Int
            else { return nil }
            return (id, index, status)
        }
    }

    /// Fails every task of the build as nodes claim them (a task failed by a failed dependency is
    /// never handed out); returns when none is ready.
    func failAll(_ node: SimulatedNode<RouterHarness>) async throws {
        while let task = try await node.getTask() {
            let failed = try await node.buildDone(task.id, status: "failed")
            #expect(failed.status == 200, "\(failed.text)")
        }
    }

    @Test func cancelCancelsIdleAndIgnoresRunningResults() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let alice = try await h.userToken("alice")
            let bob = try await h.userToken("bob")
            let node = try await SimulatedNode(h, name: "n1", arches: ["x86_64", "src"])

            // A: its first task's result is recorded, the import still pending, when A is cancelled.
            let a = try await h.createBuild(token: alice, projects: ["a", "b"])
            let aTask = try #require(try await node.getTask())
            let recorded = try await node.buildDone(aTask.id, log: "built", awaitImport: false)
            #expect(recorded.status == 200, "\(recorded.text)")
            // B: a task is running when B is cancelled; C links B and waits for it.
            let b = try await h.createBuild(token: alice, projects: ["c", "d"])
            var claimed = try #require(try await node.getTask())
            while claimed.buildID != b.id { claimed = try #require(try await node.getTask()) }
            let bTask = claimed
            let c = try await h.createBuild(token: alice, projects: ["e"], linked: [b.id])

            let byOther = try await h.call(.PATCH, "/api/v1/builds/\(b.id)/cancel", token: bob)
            #expect(byOther.status == 403, "\(byOther.text)")
            #expect(byOther.detail == "Only the build's creator or an admin can cancel build \(b.id)")
            let anonymous = try await h.call(.PATCH, "/api/v1/builds/\(b.id)/cancel")
            #expect(anonymous.status == 401)
            let missing = try await h.call(.PATCH, "/api/v1/builds/99999/cancel", token: alice)
            #expect(missing.status == 404)
            #expect(missing.detail != nil)
            #expect(try await h.count("SELECT count(*) FROM build_tasks WHERE status = 5") == 0)

            for build in [a.id, b.id] {
                let cancelled = try await h.call(.PATCH, "/api/v1/builds/\(build)/cancel", token: alice)
                #expect(cancelled.status == 200, "\(cancelled.text)")
                #expect(!(cancelled.object["finished_at"] is NSNull), "nothing is unfinished: the build is finished")
                let statuses = (cancelled.object["tasks"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? Int }
                #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == 5 }, "\(statuses)")
                let errors = (cancelled.object["tasks"] as? [[String: Any]] ?? []).compactMap { $0["error"] as? String }
                #expect(errors.allSatisfy { $0 == "Build task cancelled by user" } && errors.count == statuses.count)
            }

            // The running task's node finishes: accepted, ignored.
            let late = try await node.buildDone(bTask.id, log: "late")
            #expect(late.status == 200, "\(late.text)")
            #expect(try await h.count("SELECT count(*) FROM artifacts WHERE build_task_id = \(bTask.id)") == 0)
            #expect(try await h.count("SELECT status::bigint FROM build_tasks WHERE id = \(bTask.id)") == 5)
            // The import recorded before the cancel completes without writing anything.
            try await h.awaitImport(aTask.id)
            #expect(try await h.count("SELECT count(*) FROM artifacts WHERE build_task_id = \(aTask.id)") == 0)
            #expect(try await h.count("SELECT status::bigint FROM build_tasks WHERE id = \(aTask.id)") == 5)
            #expect(try await h.count("SELECT count(*) FROM test_tasks") == 0)
            // A task cancelled while idle was held by no node: its build_done is refused.
            let idle = try await h.count("SELECT id FROM build_tasks WHERE build_id = \(b.id) AND node IS NULL LIMIT 1")
            #expect(idle > 0)
            let refused = try await node.buildDone(idle, log: "x")
            #expect(refused.status == 409, "\(refused.text)")

            // Nothing of A or B is handed out any more; C, which waited for B, now runs.
            var handedOut: [Int] = []
            while let task = try await node.getTask() { handedOut.append(task.buildID) }
            #expect(!handedOut.isEmpty && handedOut.allSatisfy { $0 == c.id }, "\(handedOut)")
            #expect(
                try await h.count(
                    "SELECT count(*) FROM builds WHERE finished_at IS NOT NULL AND id IN (\(a.id), \(b.id))")
                    == 2)
        }
    }

    @Test func parallelRestartMakesEveryIndexReadyAtOnce() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let node = try await SimulatedNode(h, name: "n1", arches: ["x86_64", "src"])
            let ordered = try await h.createBuild(token: user, projects: ["a", "b", "c"])
            try await failAll(node)
            let parallel = try await h.createBuild(token: user, projects: ["a", "b", "c"])
            try await failAll(node)
            for build in [ordered.id, parallel.id] {
                let statuses = try await tasks(h, build).map(\.status)
                #expect(statuses.allSatisfy { $0 == 3 }, "build \(build): \(statuses)")
            }

            let restarted = try await h.call(
                .PATCH, "/api/v1/builds/\(parallel.id)/parallel-restart-failed", token: user)
            #expect(restarted.status == 200, "\(restarted.text)")
            let statuses = (restarted.object["tasks"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? Int }
            #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == 0 }, "\(statuses)")
            // Every ref index has a ready task at once (no build_done in between).
            let index = Dictionary(uniqueKeysWithValues: try await tasks(h, parallel.id).map { ($0.id, $0.index) })
            var ready = Set<Int>()
            while let task = try await node.getTask() { ready.insert(index[task.id] ?? -1) }
            #expect(ready == [0, 1, 2])

            // The ordered restart keeps the order: only index 0 is ready.
            let again = try await h.call(.PATCH, "/api/v1/builds/\(ordered.id)/restart-failed", token: user)
            #expect(again.status == 200, "\(again.text)")
            let orderedIndex = Dictionary(
                uniqueKeysWithValues: try await tasks(h, ordered.id).map { ($0.id, $0.index) })
            var orderedReady = Set<Int>()
            while let task = try await node.getTask() { orderedReady.insert(orderedIndex[task.id] ?? -1) }
            #expect(orderedReady == [0])

            let missing = try await h.call(.PATCH, "/api/v1/builds/99999/parallel-restart-failed", token: user)
            #expect(missing.status == 404)
            let anonymous = try await h.call(.PATCH, "/api/v1/builds/\(parallel.id)/parallel-restart-failed")
            #expect(anonymous.status == 401)
        }
    }

    @Test func everyFilterSelectsMatchingBuilds() async throws {
        let packages = try TestPackages.get()
        try await RouterHarness.with(settings: ServerSettings(buildsPageSize: 5)) { h in
            let p = try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let q = try await Fixtures.platform(h.client, name: "Q", arches: ["aarch64"])
            let alice = try await h.userToken("alice")
            let bob = try await h.userToken("bob")
            let aliceID = try await h.count("SELECT id FROM users WHERE username = 'alice'")
            let bobID = try await h.count("SELECT id FROM users WHERE username = 'bob'")
            let one = try await h.createBuild(token: alice, platform: "P", arches: ["x86_64"], projects: ["hello"])
            let created = try await h.call(
                .POST, "/api/v1/builds/", token: bob,
                json: [
                    "platforms": [["name": "Q", "arch_list": ["aarch64"]]],
                    "tasks": [["url": "https://git.example.org/rpms/world.git", "git_ref": "c9-beta"]]
                ])
            #expect(created.status == 200, "\(created.text)")
            let two = try #require(created.object["id"] as? Int)
            // An RPM of build one, imported as a node reports it (its header fields are stored).
            let node = try await SimulatedNode(h, name: "n1", arches: ["x86_64", "src"])
            let task = try #require(try await node.getTask())
            #expect(task.buildID == one.id)
            let done = try await node.buildDone(task.id, rpms: [packages.rpm("hello", arch: "x86_64")])
            #expect(done.status == 200, "\(done.text)")
            var fields: [String] = []
            for try await row in try await h.client.query(
                """
                SELECT rpm_name, rpm_epoch, rpm_version, rpm_release, arch FROM artifacts
                WHERE type = 'rpm' AND build_task_id = \(task.id)
                """
            ).decode((String?, String?, String?, String?, String?).self) {
                fields = [row.0, row.1, row.2, row.3, row.4].map { $0 ?? "-" }
            }
            #expect(fields == ["hello", "0", "1.0", "1", "x86_64"])
            try await h.client.query(
                """
                UPDATE builds SET signed = (id = \(Int64(one.id))), released = (id = \(Int64(two))),
                       finished_at = CASE WHEN id = \(Int64(two)) THEN now() END
                """)

            let cases: [(String, [Int])] = [
                ("created_by=\(aliceID)", [one.id]), ("created_by=\(bobID)", [two]),
                ("project=hello", [one.id]), ("project=world", [two]), ("project=ello", []),
                ("project=h_llo", []), ("ref=c9-beta", [two]), ("ref=rpms%2Fhello", [one.id]), ("ref=%25", []),
                ("rpm_name=hello", [one.id]), ("rpm_name=world", []),
                ("rpm_epoch=0", [one.id]), ("rpm_epoch=1", []),
                ("rpm_version=1.0", [one.id]), ("rpm_version=2.0", []),
                ("rpm_release=1", [one.id]), ("rpm_release=2", []),
                ("rpm_arch=x86_64", [one.id]), ("rpm_arch=aarch64", []),
                ("rpm_name=hello&rpm_arch=aarch64", []), ("rpm_name=&rpm_arch=", [two, one.id]),
                ("platform_id=\(p)", [one.id]), ("platform_id=\(q)", [two]),
                ("build_task_arch=x86_64", [one.id]), ("build_task_arch=aarch64", [two]),
                ("released=true", [two]), ("released=false", [one.id]),
                ("signed=true", [one.id]), ("signed=0", [two]),
                ("is_running=true", [one.id]), ("is_running=false", [two]),
                ("created_by=\(aliceID)&platform_id=\(q)", []), ("", [two, one.id])
            ]
            for (query, expected) in cases {
                let list = try await h.call(.GET, "/api/v1/builds/?\(query)")
                #expect(list.status == 200, "\(query): \(list.text)")
                #expect(list.array.compactMap { $0["id"] as? Int } == expected, "\(query)")
                let page = try await h.call(.GET, "/api/v1/builds/?pageNumber=1&\(query)")
                #expect((page.object["total_builds"] as? Int) == expected.count, "\(query)")
                let ids = (page.object["builds"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                #expect(ids == expected, "\(query)")
            }
            let second = try await h.call(.GET, "/api/v1/builds/?pageNumber=2&project=hello")
            #expect((second.object["builds"] as? [Any])?.isEmpty == true)
            #expect((second.object["total_builds"] as? Int) == 1)

            for bad in [
                "created_by=abc", "created_by=0", "platform_id=-1", "released=maybe", "signed=2", "is_running=",
                "rpm_name=a%00b", "project=\(String(repeating: "x", count: 5000))", "pageNumber=0&project=hello"
            ] {
                let refused = try await h.call(.GET, "/api/v1/builds/?\(bad)")
                #expect(refused.status == 422, "\(bad.prefix(40)): \(refused.text)")
                #expect(refused.detail != nil, "\(bad.prefix(40))")
            }
        }
    }

    /// With sequential scans disabled, every filter's query still finds a plan without one on the
    /// build tables: an index serves it (the plans on a large table are in the issue's report).
    @Test func everyFilterHasAnIndex() async throws {
        try await RouterHarness.with { h in
            let filters: [BuildFilter] = [
                BuildFilter(createdBy: 1), BuildFilter(project: "bash"), BuildFilter(ref: "c9-beta"),
                BuildFilter(rpmName: "bash"), BuildFilter(rpmEpoch: "1"), BuildFilter(rpmVersion: "5.1"),
                BuildFilter(rpmRelease: "1.el9"), BuildFilter(rpmArch: "x86_64"), BuildFilter(platformID: 1),
                BuildFilter(buildTaskArch: "x86_64"), BuildFilter(released: true), BuildFilter(signed: true),
                BuildFilter(isRunning: true), BuildFilter(isRunning: false)
            ]
            try await h.client.withConnection { connection in
                try await connection.query("SET enable_seqscan = off", logger: ServerHarness.logger)
                for filter in filters {
                    let (condition, binds) = BuildStore.pageQuery(page: 1, pageSize: 25, filter: filter)
                    var plan: [String] = []
                    for try await line in try await connection.query(
                        PostgresQuery(unsafeSQL: "EXPLAIN SELECT b.id FROM builds b WHERE \(condition)", binds: binds),
                        logger: ServerHarness.logger
                    ).decode(String.self) { plan.append(line) }
                    let scans = plan.filter { $0.contains("Seq Scan") }
                    #expect(scans.isEmpty, "\(filter): \(plan.joined(separator: "\n"))")
                }
                try await connection.query("RESET enable_seqscan", logger: ServerHarness.logger)
            }
        }
    }

    @Test func readsArePublicWritesAreNot() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let build = try await h.createBuild(token: user)
            let list = try await h.call(.GET, "/api/v1/builds/")
            #expect(list.status == 200, "\(list.text)")
            #expect(list.array.compactMap { $0["id"] as? Int } == [build.id])
            let page = try await h.call(.GET, "/api/v1/builds/?pageNumber=1")
            #expect((page.object["total_builds"] as? Int) == 1)
            let one = try await h.call(.GET, "/api/v1/builds/\(build.id)/")
            #expect(one.status == 200, "\(one.text)")
            #expect(one.object["id"] as? Int == build.id)
            let missing = try await h.call(.GET, "/api/v1/builds/99999/")
            #expect(missing.status == 404)
            for (method, path) in [
                (HTTPMethod.POST, "/api/v1/builds/"), (.PATCH, "/api/v1/builds/\(build.id)/restart-failed"),
                (.PATCH, "/api/v1/builds/\(build.id)/cancel"), (.DELETE, "/api/v1/builds/\(build.id)/remove")
            ] {
                let refused = try await h.call(method, path, json: [String: Any]())
                #expect(refused.status == 401, "\(method) \(path): \(refused.text)")
            }
        }
    }

    @Test func buildJSONHasALBSFields() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let base = try await h.createBuild(token: user)
            let build = try await h.createBuild(token: user, linked: [base.id])
            let plain = try await h.call(.GET, "/api/v1/builds/\(build.id)/")
            let owner = try #require(plain.object["owner"] as? [String: Any])
            #expect(owner["username"] as? String == "alice")
            #expect(owner["email"] as? String == "alice@example.org")
            #expect((plain.object["user"] as? [String: Any])?["id"] as? Int == owner["id"] as? Int)
            #expect((plain.object["mock_options"] as? [String: Any])?.isEmpty == true)
            #expect((plain.object["platform_flavors"] as? [Any])?.isEmpty == true)
            #expect(plain.object["linked_builds"] as? [Int] == [base.id])
            #expect(plain.object["product_id"] is NSNull)
            #expect(plain.object["parallel_mode_enabled"] as? Bool == false)
            let plainTask = try #require((plain.object["tasks"] as? [[String: Any]])?.first)
            #expect(plainTask["is_secure_boot"] as? Bool == false)
            #expect(plainTask["mock_options"] is NSNull)
            #expect(plainTask["performance_stats"] is NSNull)
            #expect(plainTask["is_cas_authenticated"] as? Bool == false)
            #expect(plainTask["alma_commit_cas_hash"] is NSNull)

            let id = Int64(build.id)
            try await h.client.query(
                """
                UPDATE builds SET mock_options = '{"definitions": {"dist": ".el9"}}', product_id = 7,
                       parallel_mode_enabled = true WHERE id = \(id)
                """)
            try await h.client.query(
                """
                WITH f AS (INSERT INTO platform_flavors (name) VALUES ('beta'), ('alpha') RETURNING id, name)
                INSERT INTO build_platform_flavors (build_id, flavor_id, position)
                SELECT \(id), id, CASE name WHEN 'beta' THEN 0 ELSE 1 END FROM f
                """)
            try await h.client.query(
                """
                UPDATE build_tasks SET is_secure_boot = true, mock_options = '{"with": ["tests"]}',
                       performance_stats = '{"build_node_stats": {"build_all": {"delta": "1"}}}'
                WHERE build_id = \(id)
                """)
            let full = try await h.call(.GET, "/api/v1/builds/\(build.id)/")
            let options = try #require(full.object["mock_options"] as? [String: Any])
            #expect((options["definitions"] as? [String: Any])?["dist"] as? String == ".el9")
            #expect(
                (full.object["platform_flavors"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == [
                    "beta", "alpha"
                ])
            #expect(full.object["product_id"] as? Int == 7)
            #expect(full.object["parallel_mode_enabled"] as? Bool == true)
            let task = try #require((full.object["tasks"] as? [[String: Any]])?.first)
            #expect(task["is_secure_boot"] as? Bool == true)
            #expect((task["mock_options"] as? [String: Any])?["with"] as? [String] == ["tests"])
            let stats = try #require((task["performance_stats"] as? [[String: Any]])?.first)
            #expect(stats["build_task_id"] as? Int == task["id"] as? Int)
            let statistics = stats["statistics"] as? [String: Any]
            #expect(((statistics?["build_node_stats"] as? [String: Any])?["build_all"]) != nil)
        }
    }
}
