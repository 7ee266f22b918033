import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Server
import Store
import XCTest

/// Leases (ping / stale sweep), restart-failed, excluded packages and linked builds.
final class LeaseAndRestartTests: XCTestCase {
    func status(_ h: ServerHarness, _ task: Int) async throws -> Int {
        try await h.count("SELECT status FROM build_tasks WHERE id = \(task)")
    }

    /// Leases on the harness's manual clock: the test moves time past the node timeout instead
    /// of sleeping, so nothing depends on wall-clock margins.
    func testHeartbeatTimeoutRequeuesThenFails() async throws {
        let settings = ServerSettings(nodeTimeout: .seconds(90), maxTaskAttempts: 2)
        try await ServerHarness.with(settings: settings) { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let build = try await h.createBuild(token: user, projects: ["hello", "world"])
            let (first, second) = (build.tasks[0], build.tasks[1])
            let dead = try await SimulatedNode(h, name: "dead", arches: ["x86_64"])
            let alive = try await SimulatedNode(h, name: "alive", arches: ["x86_64"])

            let claimed = try await dead.getTask()
            XCTAssertEqual(claimed?.id, first)
            let nothing = try await alive.getTask()
            XCTAssertNil(nothing, "index 1 must wait for index 0, and index 0 is leased")
            // Within the lease (even at its last second): the sweep leaves it alone.
            h.clock.advance(by: 89)
            let early = try await h.sweeper.sweep()
            XCTAssertEqual(early.requeued, [])
            h.clock.advance(by: 2)
            let swept = try await h.sweeper.sweep()
            XCTAssertEqual(swept.requeued, [Int64(first)])
            let reclaimed = try await alive.getTask()
            XCTAssertEqual(reclaimed?.id, first)

            // The dead node comes back: 409, nothing recorded.
            let late = try await dead.buildDone(first, rpms: [], log: "late")
            XCTAssertEqual(late.status, 409, late.text)
            XCTAssertEqual(late.object["ok"] as? Bool, false)
            XCTAssertNotNil(late.detail)
            let statusAfter = try await status(h, first)
            XCTAssertEqual(statusAfter, 1)
            let artifacts = try await h.count("SELECT count(*) FROM artifacts")
            XCTAssertEqual(artifacts, 0)

            // Pings keep the lease alive past the timeout: 4 × 60 s, each within 90 s of a ping.
            for _ in 0..<4 {
                let pong = try await alive.ping([first])
                XCTAssertEqual(pong.status, 200, pong.text)
                h.clock.advance(by: 60)
                let sweep = try await h.sweeper.sweep()
                XCTAssertEqual(sweep.requeued + sweep.failed, [])
            }
            // A ping from a node that does not hold the task does not extend it.
            h.clock.advance(by: 31)
            _ = try await dead.ping([first])
            let final = try await h.sweeper.sweep()
            XCTAssertEqual(final.failed, [Int64(first)], "second attempt used up: failed")
            let error = try await h.call(.GET, "/api/v1/builds/\(build.id)/", token: user)
            let task = (error.object["tasks"] as? [[String: Any]])?.first { $0["id"] as? Int == first }
            XCTAssertEqual(task?["status"] as? Int, 3)
            XCTAssertTrue((task?["error"] as? String ?? "").contains("stopped pinging"), "\(task ?? [:])")
            // The failed task releases its dependent.
            let next = try await alive.getTask()
            XCTAssertEqual(next?.id, second)
            let unfinished = try await h.count("SELECT count(*) FROM builds WHERE finished_at IS NULL")
            XCTAssertEqual(unfinished, 1)
            // The last task failing in a sweep finishes the build.
            let old = h.clock.now().addingTimeInterval(-100)
            try await h.client.query("UPDATE build_tasks SET attempts = 2, ts = \(old) WHERE id = \(Int64(second))")
            let last = try await h.sweeper.sweep()
            XCTAssertEqual(last.failed, [Int64(second)])
            let finishedBuilds = try await h.count("SELECT count(*) FROM builds WHERE finished_at IS NOT NULL")
            XCTAssertEqual(finishedBuilds, 1)
        }
    }

    func testRestartFailedKeepsOrder() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let build = try await h.createBuild(token: user, projects: ["a", "b", "c"])
            let node = try await SimulatedNode(h, name: "n", arches: ["x86_64"])
            let t0 = try await node.getTask()
            XCTAssertEqual(t0?.id, build.tasks[0])
            _ = try await node.buildDone(build.tasks[0])
            let t1 = try await node.getTask()
            XCTAssertEqual(t1?.id, build.tasks[1])
            let failed1 = try await node.buildDone(build.tasks[1], status: "failed", log: "boom")
            XCTAssertEqual(failed1.status, 200, failed1.text)
            let t2 = try await node.getTask()
            XCTAssertEqual(t2?.id, build.tasks[2])
            _ = try await node.buildDone(build.tasks[2], status: "failed")

            let restarted = try await h.call(.PATCH, "/api/v1/builds/\(build.id)/restart-failed", token: user)
            XCTAssertEqual(restarted.status, 200, restarted.text)
            let statuses = (restarted.object["tasks"] as? [[String: Any]] ?? []).filter {
                $0["arch"] as? String != "src"
            }
            .compactMap { $0["status"] as? Int }
            XCTAssertEqual(statuses, [2, 0, 0])
            let logs = try await h.count("SELECT count(*) FROM artifacts WHERE build_task_id = \(build.tasks[1])")
            XCTAssertEqual(logs, 0, "a restarted task's old artifacts are dropped")
            // Order kept: b before c.
            let again = try await node.getTask()
            XCTAssertEqual(again?.id, build.tasks[1])
            let blocked = try await node.getTask()
            XCTAssertNil(blocked, "c waits for the restarted b")
            _ = try await node.buildDone(build.tasks[1])
            let last = try await node.getTask()
            XCTAssertEqual(last?.id, build.tasks[2])
            _ = try await node.buildDone(build.tasks[2])
            let none = try await h.call(.PATCH, "/api/v1/builds/\(build.id)/restart-failed", token: user)
            XCTAssertEqual(none.status, 200)
            let missing = try await h.call(.PATCH, "/api/v1/builds/9999/restart-failed", token: user)
            XCTAssertEqual(missing.status, 404)
            XCTAssertNotNil(missing.detail)
        }
    }

    func testExcludedPackagesAndArchPreference() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64", "i686"])
            let user = try await h.userToken("alice")
            let kernel = try await h.createBuild(token: user, arches: ["x86_64"], projects: ["kernel"])
            let bash = try await h.createBuild(token: user, arches: ["x86_64", "i686"], projects: ["bash"])
            let picky = try await SimulatedNode(h, name: "picky", arches: ["i686", "x86_64"], excluded: ["kernel"])
            let first = try await picky.getTask()
            XCTAssertEqual(first?.arch, "i686", "the node's first arch is tried first")
            XCTAssertEqual(first?.buildID, bash.id)
            let second = try await picky.getTask()
            XCTAssertEqual(second?.id, bash.tasks[0], "kernel is skipped, bash x86_64 is next")
            let third = try await picky.getTask()
            XCTAssertNil(third)
            let any = try await SimulatedNode(h, name: "any", arches: ["x86_64"])
            let k = try await any.getTask()
            XCTAssertEqual(k?.id, kernel.tasks[0])
        }
    }

    func testLinkedBuildWaitsAndSeesRepositories() async throws {
        let packages = try TestPackages.get()
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let base = try await h.createBuild(token: user, projects: ["hello"])
            let node = try await SimulatedNode(h, name: "n", arches: ["x86_64"])
            let claimed = try await node.getTask()
            XCTAssertEqual(claimed?.id, base.tasks[0])
            let child = try await h.createBuild(token: user, projects: ["world"], linked: [base.id])
            let waiting = try await node.getTask()
            XCTAssertNil(waiting, "a linked build's unfinished task holds the new build back")
            let done = try await node.buildDone(base.tasks[0], rpms: [packages.rpm("hello", arch: "x86_64")])
            XCTAssertEqual(done.status, 200, done.text)
            let task = try await node.getTask()
            XCTAssertEqual(task?.id, child.tasks[0])
            XCTAssertEqual(task?.linkedBuilds, [base.id])
            let names = task?.repositories.map(\.name) ?? []
            XCTAssertEqual(names.first, "\(h.settings.buildRepositoryPrefix)-\(base.id)-P-x86_64-rpm", "\(names)")
            XCTAssertEqual(task?.repositories.first?.priority, 8)
            XCTAssertEqual(Array(names.dropFirst()), ["P-BaseOS", "P-AppStream", "P-BaseOS-debug"])
            let unknown = try await h.call(
                .POST, "/api/v1/builds/", token: user,
                json: [
                    "platforms": [["name": "P", "arch_list": ["x86_64"]]],
                    "tasks": [["url": "https://git.example.org/rpms/x.git"]], "linked_builds": [4242]
                ])
            XCTAssertEqual(unknown.status, 422)
            XCTAssertTrue(unknown.detail?.contains("4242") ?? false)
        }
    }
}
