import Artifacts
import Foundation
import KilnTestSupport
import NIOHTTP1
import Server
import Statuses
import Store
import Testing

/// `build_done` records the result and answers; the import queue (`BuildImportWorker`) puts the
/// artifacts into the store and finishes the task: durable, retried, shared, exactly once.
@Suite struct BuildImportTests {
    /// A build of one task on P/x86_64, claimed by node `n`.
    static func claimedTask<H: BuildHarness>(_ h: H) async throws -> (task: Int, node: SimulatedNode<H>) {
        try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
        let user = try await h.userToken("alice")
        _ = try await h.createBuild(token: user)
        let node = try await SimulatedNode(h, name: "n", arches: ["x86_64"])
        guard let task = try await node.getTask() else { throw HarnessError(description: "no task to claim") }
        return (task.id, node)
    }

    @Test func answersBeforeTheImportAndTheWorkerFinishesTheTask() async throws {
        let packages = try TestPackages.get()
        try await ServerHarness.with { h in
            let (task, node) = try await Self.claimedTask(h)
            let done = try await node.buildDone(
                task, rpms: [packages.rpm("hello", arch: "x86_64")], log: "ok", awaitImport: false)
            #expect(done.status == 200, "\(done.text)")
            // Recorded, not imported: the task still shows as started, nothing in `artifacts`.
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 1)
            #expect(try await h.count("SELECT count(*) FROM artifacts") == 0)
            #expect(try await h.count("SELECT count(*) FROM build_imports WHERE state = 'pending'") == 1)
            // A ping never waits for the import; the sweep leaves the recorded task alone.
            let ping = try await node.ping([task])
            #expect(ping.status == 200)
            h.clock.advance(by: 10_000)
            let swept = try await h.sweeper.sweep()
            #expect(swept.requeued.isEmpty && swept.failed.isEmpty)

            let attempts = try await h.importWorker().drain()
            #expect(attempts == 1)
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 2)
            #expect(try await h.count("SELECT count(*) FROM artifacts WHERE build_task_id = \(task)") == 2)
            #expect(try await h.count("SELECT count(*) FROM test_tasks WHERE build_task_id = \(task)") == 1)
            #expect(
                try await h.count("SELECT count(*) FROM build_imports WHERE state = 'done' AND task_id = \(task)") == 1)
            #expect(try await h.count("SELECT count(*) FROM builds WHERE finished_at IS NOT NULL") == 1)
        }
    }

    @Test func repeatedBuildDoneIsIdempotentAndAnotherNodeGets409() async throws {
        let packages = try TestPackages.get()
        try await ServerHarness.with { h in
            let (task, node) = try await Self.claimedTask(h)
            let rpm = packages.rpm("hello", arch: "x86_64")
            let first = try await node.buildDone(task, rpms: [rpm], awaitImport: false)
            #expect(first.status == 200, "\(first.text)")
            let again = try await node.buildDone(task, rpms: [rpm], awaitImport: false)
            #expect(again.status == 200, "\(again.text)")
            let intruder = try await SimulatedNode(h, name: "other", arches: ["x86_64"])
            let other = try await intruder.buildDone(task, rpms: [rpm], awaitImport: false)
            #expect(other.status == 409, "\(other.text)")
            #expect(try await h.count("SELECT count(*) FROM build_imports WHERE task_id = \(task)") == 1)
            try await h.awaitImport(task)
            let afterImport = try await node.buildDone(task, rpms: [rpm])
            #expect(afterImport.status == 200, "\(afterImport.text)")
            #expect(try await h.count("SELECT count(*) FROM artifacts") == 1)
            #expect(try await h.count("SELECT count(*) FROM test_tasks") == 1)
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 2)
        }
    }

    @Test func lateResultOfTheLeaseHolderIsAcceptedUntilAnotherNodeClaims() async throws {
        try await ServerHarness.with { h in
            let (task, node) = try await Self.claimedTask(h)
            h.clock.advance(by: Double(h.settings.nodeTimeout.components.seconds) + 1)
            let swept = try await h.sweeper.sweep()
            #expect(swept.requeued == [Int64(task)])
            let late = try await node.buildDone(task, log: "late but nobody else claimed it")
            #expect(late.status == 200, "\(late.text)")
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 2)
            #expect(try await h.count("SELECT count(*) FROM artifacts WHERE build_task_id = \(task)") == 1)
        }
    }

    @Test func aJobWhoseWorkerDiedIsRetriedByAnotherAndDoneOnce() async throws {
        let packages = try TestPackages.get()
        try await ServerHarness.with { h in
            let (task, node) = try await Self.claimedTask(h)
            let done = try await node.buildDone(
                task, rpms: [packages.rpm("hello", arch: "x86_64")], log: "ok", awaitImport: false)
            #expect(done.status == 200)
            // A worker claims the job and dies: a lease of 0 s lapses at once.
            let queue = BuildImportQueue(client: h.client)
            let dead = try #require(try await queue.claim(lease: 0))
            #expect(dead.task.id == Int64(task))
            let attempts = try await h.importWorker().drain()
            #expect(attempts == 1)
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 2)
            // The dead worker's claim comes back late: fenced off, nothing written twice.
            let record = ArtifactRecord(
                name: "x", type: .rpm, href: "/x", sha256: nil, path: nil, casHash: nil, arch: nil)
            let late = try await queue.complete(dead, artifacts: [record])
            #expect(late == false)
            #expect(try await h.count("SELECT count(*) FROM artifacts") == 2)
            #expect(try await h.count("SELECT count(*) FROM test_tasks") == 1)
            #expect(try await h.count("SELECT attempts FROM build_imports WHERE task_id = \(task)") == 2)
        }
    }

    @Test func unknownArtifactFailsTheTask() async throws {
        try await ServerHarness.with { h in
            let (task, node) = try await Self.claimedTask(h)
            let sha = String(repeating: "b", count: 64)
            let answer = try await h.call(
                .POST, "/api/v1/build_node/build_done", token: node.token,
                json: [
                    "task_id": task, "status": "done",
                    "artifacts": [
                        [
                            "name": "hello-1.0-1.x86_64.rpm", "type": "rpm", "href": "/local/artifacts/\(sha)/",
                            "sha256": sha
                        ]
                    ]
                ])
            #expect(answer.status == 200, "\(answer.text)")
            try await h.awaitImport(task)
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 3)
            #expect(try await h.count("SELECT count(*) FROM build_tasks WHERE error LIKE '%not found%'") == 1)
            #expect(try await h.count("SELECT count(*) FROM artifacts") == 0)
            #expect(try await h.count("SELECT count(*) FROM test_tasks") == 0)
        }
    }

    @Test func unreachableArtifactStoreIsRetriedUntilItIsBack() async throws {
        let packages = try TestPackages.get()
        var settings = ServerSettings()
        settings.imports.retryBase = .zero
        try await ServerHarness.with(settings: settings, pulp: true) { h in
            let (task, node) = try await Self.claimedTask(h)
            let done = try await node.buildDone(
                task, rpms: [packages.rpm("hello", arch: "x86_64")], log: "ok", awaitImport: false)
            #expect(done.status == 200, "\(done.text)")
            // Pulp on a closed port: the attempt fails, the job stays pending with the cause.
            let down = PulpArtifactStore(url: "http://127.0.0.1:1", username: "admin", password: "admin")
            let attempt = try await h.importWorker(store: down).runOnce()
            try? await down.shutdown()
            guard case .failed = attempt else {
                Issue.record("an import against a closed port did not fail: \(attempt)")
                return
            }
            #expect(try await h.count("SELECT count(*) FROM build_imports WHERE state = 'pending'") == 1)
            #expect(try await h.count("SELECT count(*) FROM build_imports WHERE last_error IS NOT NULL") == 1)
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 1)
            // The store is back: the next attempt imports and finishes the task.
            try await h.awaitImport(task)
            #expect(try await h.count("SELECT status FROM build_tasks WHERE id = \(task)") == 2)
            #expect(try await h.count("SELECT count(*) FROM artifacts WHERE build_task_id = \(task)") == 2)
            #expect(try await h.count("SELECT attempts FROM build_imports WHERE task_id = \(task)") == 2)
        }
    }

    @Test func processesCreatingTheSameBuildRepositoryBothSucceed() async throws {
        let stores = try (0..<4).map { _ in try ServerHarness.makeStore(pulp: true) }
        let name = "kt\(UInt32.random(in: 0..<UInt32.max))-1-P-x86_64-rpm"
        let spec = StoreRepositorySpec(name: name, kind: .rpm, labels: ["kiln-build": "1"])
        // Four processes (one client and one `RepositoryLocks` each) race to create one repository.
        let outcome: Result<Set<String>, any Error>
        do {
            outcome = .success(
                try await withThrowingTaskGroup(of: String.self) { group in
                    for store in stores {
                        group.addTask { try await RepositoryLocks.ensureRacing(spec, in: store).href }
                    }
                    var hrefs: Set<String> = []
                    for try await href in group { hrefs.insert(href) }
                    return hrefs
                })
        } catch {
            outcome = .failure(error)
        }
        try? await stores[0].deleteRepository(named: name)
        for store in stores { try? await store.shutdown() }
        let hrefs = try outcome.get()
        #expect(hrefs.count == 1, "\(hrefs)")
    }
}
