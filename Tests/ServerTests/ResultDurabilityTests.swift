import Artifacts
import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Server
import Store
import Testing

/// Issue 9 item 4, a node's result is never lost: `stats` kept when the result is recorded,
/// a ping answered while an import is in progress, late results of a lapsed lease, and the
/// artifact store going away during `build_done` (a TCP proxy cut in front of the shared Pulp).
@Suite struct ResultDurabilityTests {
    /// Arches of the test nodes: they also take `src` tasks, whichever comes first.
    static let arches = ["x86_64", "src"]

    /// A build of one ref on P/x86_64; node `name` claims its first ready task.
    static func claimedTask<H: BuildHarness>(
        _ h: H, node name: String = "n", arches: [String] = arches
    ) async throws -> (task: Int, node: SimulatedNode<H>) {
        _ = try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
        let user = try await h.userToken("alice")
        _ = try await h.createBuild(token: user)
        let node = try await SimulatedNode(h, name: name, arches: arches)
        guard let task = try await node.getTask() else { throw HarnessError(description: "no task to claim") }
        return (task.id, node)
    }

    /// `build_done` with the node's `stats` and one uploaded log, as albs-node sends it.
    static func buildDone<H: BuildHarness>(
        _ node: SimulatedNode<H>, _ task: Int, stats: Any, log: String = "log"
    ) async throws -> HTTPAnswer {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-stats-\(UUID().uuidString).log")
        try Data(log.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let uploaded = try await node.harness.store.uploadArtifact(file: file)
        return try await node.harness.call(
            .POST, "/api/v1/build_node/build_done", token: node.token,
            json: [
                "task_id": task, "status": "done", "stats": stats,
                "artifacts": [
                    [
                        "name": "mock_build.\(task).log", "type": "build_log", "href": uploaded.href,
                        "sha256": uploaded.sha256
                    ]
                ]
            ])
    }

    static var nodeStats: [String: Any] {
        [
            "build_node_task": [
                "start_ts": "2026-11-29 10:00:00.000001", "end_ts": "2026-11-29 10:07:00", "delta": "0:07:00"
            ],
            "build_packages": ["start_ts": "2026-11-29 10:01:00", "end_ts": "2026-11-29 10:06:00", "delta": "0:05:00"]
        ]
    }

    @Test func statsAreKeptWhenTheResultIsRecordedAndTheImportTimed() async throws {
        try await ServerHarness.with { h in
            let (task, node) = try await Self.claimedTask(h)
            let done = try await Self.buildDone(node, task, stats: Self.nodeStats)
            #expect(done.status == 200, "\(done.text)")
            let sent = String(decoding: try JSONSerialization.data(withJSONObject: Self.nodeStats), as: UTF8.self)
            // Kept with the recorded result, before the import ran.
            #expect(try await h.count("SELECT count(*) FROM build_imports WHERE state = 'pending'") == 1)
            let kept = try await h.count(
                """
                SELECT count(*) FROM build_tasks WHERE id = \(task)
                AND performance_stats -> 'build_node_stats' = '\(sent)'::jsonb
                AND performance_stats -> 'build_done_stats' = '{}'::jsonb
                """)
            #expect(kept == 1)
            try await h.awaitImport(task)
            // The import adds its own timing; the node's stats stay as sent.
            let timed = try await h.count(
                """
                SELECT count(*) FROM build_tasks WHERE id = \(task) AND status = 2
                AND performance_stats -> 'build_node_stats' = '\(sent)'::jsonb
                AND performance_stats -> 'build_done_stats' -> 'build_done' ?& array['start_ts', 'end_ts', 'delta']
                """)
            #expect(timed == 1)
        }
    }

    @Test func statsThatAreNotABoundedObjectAnswer422AndRecordNothing() async throws {
        try await ServerHarness.with { h in
            let (task, node) = try await Self.claimedTask(h)
            let huge = ["build_packages": ["log": String(repeating: "x", count: 70 * 1024)]]
            let refused: [Any] = ["not an object", [1, 2], huge, ["s": ["nul": "a\u{0}b"]]]
            for stats in refused {
                let answer = try await Self.buildDone(node, task, stats: stats)
                #expect(answer.status == 422, "\(answer.text)")
                #expect(answer.detail?.contains("stats") == true, "\(answer.text)")
            }
            #expect(try await h.count("SELECT count(*) FROM build_imports") == 0)
            #expect(try await h.count("SELECT count(*) FROM build_tasks WHERE performance_stats IS NOT NULL") == 0)
            // Without stats (or null) the result is recorded with empty node stats.
            let answer = try await Self.buildDone(node, task, stats: NSNull())
            #expect(answer.status == 200, "\(answer.text)")
            #expect(
                try await h.count(
                    "SELECT count(*) FROM build_tasks WHERE performance_stats -> 'build_node_stats' = '{}'::jsonb") == 1
            )
        }
    }

    /// The import is held inside the artifact store (an event says so) while the node pings:
    /// the ping is answered, the import still in progress; then the import finishes.
    @Test func aPingIsAnsweredWhileAnImportIsInProgress() async throws {
        try await ServerHarness.with { h in
            let (task, node) = try await Self.claimedTask(h)
            let done = try await node.buildDone(task, log: "held", awaitImport: false)
            #expect(done.status == 200, "\(done.text)")
            let gated = GatedArtifactStore(base: h.store)
            let worker = h.importWorker(store: gated)
            try await withThrowingTaskGroup(of: BuildImportWorker.Attempt.self) { group in
                group.addTask { try await worker.runOnce() }
                var entered = gated.entered.makeAsyncIterator()
                let repository = await entered.next()
                #expect(repository?.hasSuffix("-log") == true)
                // The import is inside the store now, holding its job.
                let ping = try await node.ping([task])
                #expect(ping.status == 200, "\(ping.text)")
                #expect(try await BuildImportQueue(client: h.client).isPending(taskID: Int64(task)))
                #expect(try await h.count("SELECT count(*) FROM artifacts") == 0)
                gated.open()
                let attempt = try await group.next()
                #expect(attempt == .completed(true))
            }
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 2)
            #expect(try await h.count("SELECT count(*) FROM artifacts WHERE build_task_id = \(task)") == 1)
        }
    }

    /// The lease lapsed but no sweep ran yet: the task is still the node's, its result is taken.
    @Test func lateResultBeforeTheSweepIsAccepted() async throws {
        try await ServerHarness.with { h in
            let (task, node) = try await Self.claimedTask(h)
            h.clock.advance(by: Double(h.settings.nodeTimeout.components.seconds) * 3)
            let late = try await node.buildDone(task, log: "late")
            #expect(late.status == 200, "\(late.text)")
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 2)
            // The sweep has nothing to take back afterwards.
            let swept = try await h.sweeper.sweep()
            #expect(swept.requeued.isEmpty && swept.failed.isEmpty)
        }
    }

    /// A's lease lapses and the task is requeued; B claims it and its lease lapses too. A's
    /// result is refused (another node claimed the task since), B's late result is accepted.
    @Test func lateResultIsRefusedOnceAnotherNodeClaimedAndTheNewHoldersIsAccepted() async throws {
        var settings = ServerSettings()
        settings.maxTaskAttempts = 5
        try await ServerHarness.with(settings: settings) { h in
            let (task, a) = try await Self.claimedTask(h, node: "a")
            let timeout = Double(h.settings.nodeTimeout.components.seconds) + 1
            h.clock.advance(by: timeout)
            #expect(try await h.sweeper.sweep().requeued == [Int64(task)])
            let b = try await SimulatedNode(h, name: "b", arches: Self.arches)
            let reclaimed = try await b.getTask()
            #expect(reclaimed?.id == task)
            h.clock.advance(by: timeout)
            #expect(try await h.sweeper.sweep().requeued == [Int64(task)])
            let refused = try await a.buildDone(task, log: "a, too late", awaitImport: false)
            #expect(refused.status == 409, "\(refused.text)")
            #expect(try await h.count("SELECT count(*) FROM build_imports") == 0)
            let accepted = try await b.buildDone(task, log: "b, late but still the last holder")
            #expect(accepted.status == 200, "\(accepted.text)")
            #expect(try await h.count("SELECT count(*) FROM build_tasks WHERE id = \(task) AND node = 'b'") == 1)
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 2)
            #expect(try await h.count("SELECT count(*) FROM artifacts WHERE build_task_id = \(task)") == 1)
        }
    }

    /// Pulp goes away (a proxy in front of the shared test Pulp is cut): `build_done` is answered
    /// 200 anyway, the import fails and is retried, and once Pulp is back it completes, once.
    @Test func artifactStoreDownDuringBuildDoneThenBack() async throws {
        let env = ProcessInfo.processInfo.environment
        var settings = ServerSettings()
        settings.imports.retryBase = .milliseconds(10)
        settings.imports.retryMax = .milliseconds(50)
        try await ServerHarness.with(settings: settings, pulp: true) { h in
            let pulp = try #require(URL(string: env["KILN_TEST_PULP_URL"] ?? ""))
            let proxy = try await TCPProxy.start(host: pulp.host ?? "127.0.0.1", port: pulp.port ?? 80)
            let through = PulpArtifactStore(
                client: PulpClient(
                    baseURL: "http://127.0.0.1:\(proxy.port)", username: env["KILN_TEST_PULP_USER"] ?? "admin",
                    password: env["KILN_TEST_PULP_PASSWORD"] ?? "admin",
                    retry: PulpRetry(retries: 1, firstDelay: .milliseconds(20), maxDelay: .milliseconds(20))))
            let packages = try TestPackages.get()
            do {
                // A node without `src` completes the build's src task first: this is the x86_64 task.
                let (task, node) = try await Self.claimedTask(h, arches: ["x86_64"])
                // The node uploaded to Pulp; then Pulp goes away before its build_done.
                let worker = h.importWorker(store: through)
                proxy.cut()
                let done = try await node.buildDone(
                    task, rpms: [packages.rpm("hello", arch: "x86_64")], log: "pulp down", awaitImport: false)
                #expect(done.status == 200, "\(done.text)")
                let attempt = try await worker.runOnce()
                guard case .failed = attempt else {
                    Issue.record("an import with Pulp away did not fail: \(attempt)")
                    throw HarnessError(description: "unexpected attempt")
                }
                #expect(try await h.count("SELECT count(*) FROM build_imports WHERE last_error IS NOT NULL") == 1)
                #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 1)
                // Pulp is back: the queue finishes the import.
                proxy.restore()
                let queue = BuildImportQueue(client: h.client)
                var attempts = 0
                while try await queue.isPending(taskID: Int64(task)), attempts < 500 {
                    if try await worker.runOnce() == .idle { try await Task.sleep(for: .milliseconds(10)) }
                    attempts += 1
                }
                #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 2)
                #expect(try await h.count("SELECT count(*) FROM artifacts WHERE build_task_id = \(task)") == 2)
                #expect(try await h.count("SELECT count(*) FROM test_tasks WHERE build_task_id = \(task)") == 1)
                // Each artifact once in the build's repositories.
                let names = try await h.rowsOfText("SELECT name FROM build_repositories ORDER BY name")
                var files: [String] = []
                for name in names { files += try await h.store.listContent(of: name).map(\.fileName) }
                #expect(files.count == Set(files).count, "\(files)")
                #expect(files.contains("hello-1.0-1.x86_64.rpm"), "\(files)")
            } catch {
                await proxy.stop()
                try? await through.shutdown()
                throw error
            }
            await proxy.stop()
            try? await through.shutdown()
        }
    }
}

extension HTTPCaller {
    /// The text column of each row of `sql`.
    func rowsOfText(_ sql: String) async throws -> [String] {
        var rows: [String] = []
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(String.self) {
            rows.append(value)
        }
        return rows
    }
}
