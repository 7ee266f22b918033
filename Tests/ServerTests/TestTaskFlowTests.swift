import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Server
import Statuses
import Store
import Testing

/// Testing (issue 11) with a fake ALTS speaking ALTS's protocol over real HTTP: finished build
/// tasks produce test tasks, ALTS pulls them (never twice) and posts results, restarts add a
/// revision, cancel stops queued ones, a lapsed lease requeues.
@Suite(.serialized) struct TestTaskFlowTests {
    /// `(package_name, status, revision)` of every test task, by id.
    static func rows(_ client: PostgresClient) async throws -> [String] {
        var out: [String] = []
        for try await (id, name, status, revision, node) in try await client.query(
            "SELECT id, package_name, status, revision, node_name FROM test_tasks ORDER BY id"
        ).decode((Int64, String, Int16, Int32, String?).self) {
            out.append("\(id) \(name) \(status) r\(revision) \(node ?? "-")")
        }
        return out
    }

    static func altsToken<H: BuildHarness>(_ h: H, _ name: String = "alts") async throws -> String {
        try await h.tokens.issue(KilnClaims(sub: name, scope: .testSystem))
    }

    @Test func finishedTasksAreTestedAndResultsDecide() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64", "aarch64"])
            let user = try await h.userToken("alice")
            let (buildID, _) = try await SignFixtures.finishedBuild(
                h, token: user, platform: "P", arches: ["x86_64", "aarch64"])
            // One test task per binary package of each arch task; none for src.
            let build = try await h.call(.GET, "/api/v1/builds/\(buildID)/", token: user)
            let tasks = build.object["tasks"] as? [[String: Any]] ?? []
            var tested: [String: [String]] = [:]
            for task in tasks {
                let tests = try #require(task["test_tasks"] as? [[String: Any]], "test_tasks of \(task["id"] ?? "")")
                for test in tests {
                    try expectKeys(test, TestTaskAnswer.CodingKeys.allCases.map(\.rawValue), at: "test_task")
                    #expect(test["status"] as? Int == 1 && test["revision"] as? Int == 1)
                    #expect(test["package_version"] as? String == "1.0" && test["package_release"] as? String == "1")
                }
                tested[task["arch"] as? String ?? "", default: []] += tests.compactMap { $0["package_name"] as? String }
            }
            #expect(tested["src"] == [])
            #expect(tested["x86_64"]?.sorted() == ["hello", "hello-doc"])
            #expect(tested["aarch64"] == ["hello"])
            let pending = try await h.call(.GET, "/api/v1/builds/?tests=pending", token: user)
            #expect((pending.json as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [buildID])

            // ALTS pulls every task once, with the build's repository of the arch first.
            let alts = FakeALTS(caller: h, token: try await Self.altsToken(h))
            let pulled = try await alts.pull()
            #expect(pulled.count == 3)
            #expect(try await alts.pull().isEmpty, "nothing is handed out twice")
            for task in pulled {
                #expect(task.distName == "almalinux" && task.distVersion == "9")
                #expect(task.packageVersion == "1.0-1", "version-release as ALBS sends it")
                #expect(task.callbackHref == "/api/v1/tests/\(task.id)/result/")
                let first = try #require(task.repositories.first)
                #expect(first[1].contains("/\(task.distArch)") || first[0].contains(task.distArch), "\(first)")
                #expect(task.repositories.map { $0[0] }.suffix(2) == ["P-BaseOS", "P-AppStream"])
                #expect(!task.repositories.contains { $0[0].contains("debug") || $0[0].contains("logs") })
            }
            #expect(Set(pulled.map(\.distArch)) == ["x86_64", "aarch64"])

            // Results: all pass but one.
            let failing = try #require(pulled.first { $0.distArch == "aarch64" })
            for task in pulled {
                let answer = try await alts.report(task, FakeALTS<ServerHarness>.result(task, passed: task != failing))
                #expect(answer.status == 200 && answer.object["ok"] as? Bool == true, "\(answer.text)")
            }
            // The same result again is accepted and changes nothing; another one is refused.
            let before = try await Self.rows(h.client)
            let again = try await alts.report(failing, FakeALTS<ServerHarness>.result(failing, passed: false))
            #expect(again.status == 200, "\(again.text)")
            let other = try await alts.report(failing, FakeALTS<ServerHarness>.result(failing, passed: true))
            #expect(other.status == 409 && other.detail?.isEmpty == false, "\(other.text)")
            #expect(try await Self.rows(h.client) == before)

            let failed = try await h.call(.GET, "/api/v1/builds/?tests=failed", token: user)
            #expect((failed.json as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [buildID])
            let passed = try await h.call(.GET, "/api/v1/builds/?tests=passed", token: user)
            #expect((passed.json as? [[String: Any]])?.isEmpty == true, "\(passed.text)")

            // Reads.
            let aarch64Task = try #require(tasks.first { $0["arch"] as? String == "aarch64" }?["id"] as? Int)
            let latest = try await h.call(.GET, "/api/v1/tests/\(aarch64Task)/latest")
            #expect(latest.status == 200)
            let row = try #require((latest.json as? [[String: Any]])?.first)
            #expect(row["status"] as? Int == Int(TestTaskStatus.failed.rawValue))
            let response = row["alts_response"] as? [String: Any]
            #expect(response?["api_version"] as? String == "1")
            #expect((row["performance_stats"] as? [[String: Any]])?.first?["statistics"] as? [String: Any] != nil)
            let logs = try await h.call(.GET, "/api/v1/tests/\(aarch64Task)/logs")
            #expect(
                (logs.json as? [[String: Any]])?.compactMap { $0["href"] as? String }
                    == [
                        "https://logs.example.org/\(failing.id)/install_package.log",
                        "https://logs.example.org/\(failing.id)/tests.log"
                    ], "\(logs.text)")
            let x86Task = try #require(tasks.first { $0["arch"] as? String == "x86_64" }?["id"] as? Int)
            let x86 = try await h.call(.GET, "/api/v1/tests/\(x86Task)/1")
            #expect((x86.json as? [[String: Any]])?.map { $0["status"] as? Int } == [3, 3], "\(x86.text)")
        }
    }

    @Test func twoPollersNeverShareATask() async throws {
        var settings = ServerSettings()
        settings.testing = TestingSettings(batchSize: 2)
        try await ServerHarness.with(settings: settings) { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64", "aarch64"])
            let user = try await h.userToken("alice")
            for _ in 0..<4 {
                _ = try await SignFixtures.finishedBuild(h, token: user, platform: "P", arches: ["x86_64", "aarch64"])
            }
            let total = try await h.count("SELECT count(*) FROM test_tasks")
            #expect(total == 12)
            let a = FakeALTS(caller: h, token: try await Self.altsToken(h, "alts-a"))
            let b = FakeALTS(caller: h, token: try await Self.altsToken(h, "alts-b"))
            func drain(_ alts: FakeALTS<ServerHarness>) async throws -> [Int] {
                var ids: [Int] = []
                while true {
                    let batch = try await alts.pull()
                    #expect(batch.count <= 2, "KILN_TEST_BATCH bounds a pull")
                    if batch.isEmpty { return ids }
                    ids += batch.map(\.id)
                }
            }
            async let first = drain(a)
            async let second = drain(b)
            let (one, two) = try await (first, second)
            #expect(Set(one).isDisjoint(with: two), "\(one) \(two)")
            #expect(one.count + two.count == total)
            #expect(Set(one + two).count == total)
        }
    }

    @Test func restartAddsARevisionAndStaleResultsAreRefused() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let mallory = try await h.userToken("mallory")
            let admin = try await h.userToken("root", admin: true)
            let (buildID, _) = try await SignFixtures.finishedBuild(h, token: user, platform: "P", arches: ["x86_64"])
            let alts = FakeALTS(caller: h, token: try await Self.altsToken(h))
            let revision1 = try await alts.pull()
            #expect(revision1.count == 2)
            let done = try #require(revision1.first)
            #expect(try await alts.report(done, FakeALTS<ServerHarness>.result(done, passed: true)).status == 200)
            let taskID = try await h.count(
                "SELECT build_task_id FROM test_tasks WHERE id = \(done.id)")

            let refused = try await h.call(.PUT, "/api/v1/tests/build_task/\(taskID)/restart", token: mallory)
            #expect(refused.status == 403 && refused.detail?.isEmpty == false, "\(refused.text)")
            let restart = try await h.call(.PUT, "/api/v1/tests/build_task/\(taskID)/restart", token: user)
            #expect(restart.status == 200 && restart.object["revision"] as? Int == 2, "\(restart.text)")
            #expect(restart.object["count"] as? Int == 2)

            // Revision 1 stays readable; the latest is revision 2, queued.
            let old = try await h.call(.GET, "/api/v1/tests/\(taskID)/1")
            #expect(
                (old.json as? [[String: Any]])?.compactMap { $0["status"] as? Int }.sorted() == [2, 3], "\(old.text)")
            let latest = try await h.call(.GET, "/api/v1/tests/\(taskID)/latest")
            #expect((latest.json as? [[String: Any]])?.map { $0["revision"] as? Int } == [2, 2])
            #expect((latest.json as? [[String: Any]])?.map { $0["status"] as? Int } == [1, 1])
            let missing = try await h.call(.GET, "/api/v1/tests/\(taskID)/3")
            #expect(missing.status == 404 && missing.detail?.isEmpty == false)

            // The still-running revision-1 task's result is stale now.
            let running = try #require(revision1.first { $0.id != done.id })
            let before = try await Self.rows(h.client)
            let stale = try await alts.report(running, FakeALTS<ServerHarness>.result(running, passed: true))
            #expect(stale.status == 409 && stale.detail?.contains("revision") == true, "\(stale.text)")
            #expect(try await Self.rows(h.client) == before)

            // The whole build, by an admin: revision 3; then cancel stops the queued ones.
            let all = try await h.call(.PUT, "/api/v1/tests/build/\(buildID)/restart", token: admin)
            #expect(all.status == 200 && all.object["count"] as? Int == 2, "\(all.text)")
            #expect(try await h.count("SELECT count(*) FROM test_tasks WHERE revision = 2 AND status = 5") == 2)
            let denied = try await h.call(.PUT, "/api/v1/tests/build/\(buildID)/cancel", token: mallory)
            #expect(denied.status == 403)
            let cancel = try await h.call(.PUT, "/api/v1/tests/build/\(buildID)/cancel", token: user)
            #expect(cancel.status == 200 && cancel.object["count"] as? Int == 2, "\(cancel.text)")
            #expect(try await alts.pull().isEmpty, "cancelled tasks are not handed out")
            #expect(try await h.count("SELECT count(*) FROM test_tasks WHERE revision = 3 AND status = 5") == 2)
        }
    }

    @Test func lapsedLeasesGoBackToTheQueue() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            _ = try await SignFixtures.finishedBuild(h, token: user, platform: "P", arches: ["x86_64"])
            let alts = FakeALTS(caller: h, token: try await Self.altsToken(h))
            let first = try await alts.pull()
            #expect(first.count == 2)
            h.clock.advance(by: Double(h.settings.testing.timeout.components.seconds) - 60)
            #expect(try await alts.pull().isEmpty, "within KILN_TEST_TIMEOUT nothing is requeued")
            h.clock.advance(by: 120)
            try await h.sweeper.sweep()
            #expect(try await h.count("SELECT count(*) FROM test_tasks WHERE status = 1") == 2)
            let again = try await alts.pull()
            #expect(again.map(\.id) == first.map(\.id))
            #expect(try await h.count("SELECT min(attempts) FROM test_tasks") == 2)
            let answer = try await alts.report(again[0], FakeALTS<ServerHarness>.result(again[0], passed: true))
            #expect(answer.status == 200, "\(answer.text)")
        }
    }

    @Test func skipTestsInTheRequestOrThePlatform() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            try await Fixtures.platform(h.client, name: "Q", arches: ["x86_64"])
            try await h.client.query("UPDATE platforms SET skip_tests = true WHERE name = 'Q'")
            let user = try await h.userToken("alice")
            let answer = try await h.call(
                .POST, "/api/v1/builds/", token: user,
                json: [
                    "platforms": [["name": "P", "arch_list": ["x86_64"]]],
                    "tasks": [["url": "https://git.example.org/rpms/hello.git", "git_ref": "main"]],
                    "skip_tests": true
                ])
            #expect(answer.status == 200, "\(answer.text)")
            let node = try await SimulatedNode(h, name: "n", arches: ["x86_64", "src"])
            let packages = try TestPackages.get()
            while let task = try await node.getTask() {
                let rpm = packages.rpm("hello", arch: task.arch == "src" ? "src" : "x86_64")
                #expect(try await node.buildDone(task.id, rpms: [rpm], log: "ok").status == 200)
            }
            _ = try await SignFixtures.finishedBuild(h, token: user, platform: "Q", arches: ["x86_64"])
            #expect(try await h.count("SELECT count(*) FROM test_tasks") == 0)
            let none = try await h.call(.GET, "/api/v1/builds/?tests=none", token: user)
            #expect((none.json as? [[String: Any]])?.count == 2, "\(none.text)")
            // A restart asked for explicitly still tests.
            let id = try #require(answer.object["id"] as? Int)
            let restart = try await h.call(.PUT, "/api/v1/tests/build/\(id)/restart", token: user)
            #expect(restart.status == 200 && restart.object["count"] as? Int == 1, "\(restart.text)")
        }
    }
}
