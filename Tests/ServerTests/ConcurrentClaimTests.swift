import Foundation
import KilnBench
import Server
import Store
import XCTest

/// 16 concurrent nodes drain 2,000 tasks over HTTP: every task is claimed exactly once.
final class ConcurrentClaimTests: XCTestCase {
    func testSixteenNodesDrainTwoThousandTasksExactlyOnce() async throws {
        try await ServerHarness.with { h in
            // 40 builds of 50 tasks (finishes of one build are serialized on its row).
            let seed = BuildBenchmarkSeed(client: h.client)
            for _ in 0..<40 { _ = try await seed.seedIdleTasks(count: 50, arches: ["x86_64", "aarch64", "i686"]) }
            var nodes: [SimulatedNode<ServerHarness>] = []
            for i in 0..<16 {
                let arches =
                    i % 2 == 0 ? ["x86_64", "i686"] : (i % 3 == 0 ? ["aarch64"] : ["aarch64", "x86_64", "i686"])
                nodes.append(try await SimulatedNode(h, name: "node-\(i)", arches: arches))
            }
            let claims = try await withThrowingTaskGroup(of: [Int].self) { group in
                for node in nodes {
                    group.addTask {
                        var mine: [Int] = []
                        while let task = try await node.getTask() {
                            XCTAssertTrue(node.arches.contains(task.arch))
                            mine.append(task.id)
                            let done = try await node.buildDone(task.id)
                            XCTAssertEqual(done.status, 200, done.text)
                        }
                        return mine
                    }
                }
                var all: [Int] = []
                for try await mine in group { all += mine }
                return all
            }
            XCTAssertEqual(claims.count, 2000)
            XCTAssertEqual(Set(claims).count, 2000, "a task was handed out twice")
            let finished = try await h.count("SELECT count(*) FROM build_tasks WHERE status = 2 AND attempts = 1")
            XCTAssertEqual(finished, 2000)
            let finishedBuilds = try await h.count("SELECT count(*) FROM builds WHERE finished_at IS NOT NULL")
            XCTAssertEqual(finishedBuilds, 40)
        }
    }
}
