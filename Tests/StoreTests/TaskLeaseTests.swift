import Foundation
import KilnBench
import KilnTestSupport
import PostgresNIO
import Statuses
import Store
import Testing

/// Claims, pings and the stale sweep decide on the lease clock's time (a bind), so a test moves
/// time instead of sleeping.
@Suite struct TaskLeaseTests {
    @Test func sweepFollowsTheLeaseClock() async throws {
        try await TestDatabase.with { client, _ in
            _ = try await BuildBenchmarkSeed(client: client).seedIdleTasks(count: 2, arches: ["x86_64"])
            let clock = ManualLeaseClock(start: Date(timeIntervalSince1970: 2_000_000_000))
            let claims = TaskClaims(client: client, clock: clock)
            let first = try #require(try await claims.claimRaw(arch: "x86_64", node: "n1"))
            #expect(first.contains("\"arch\" : \"x86_64\"") || first.contains("\"arch\":\"x86_64\""))
            let second = try #require(try await claims.claimRaw(arch: "x86_64", node: "n2"))
            #expect(second != first)

            // Far in the "future" for PostgreSQL's now(), yet not stale on the lease clock.
            clock.advance(by: 30)
            let early = try await claims.sweepStale(timeout: 30, maxAttempts: 2)
            #expect(early.requeued.isEmpty && early.failed.isEmpty)
            #expect(try await claims.ping(taskIDs: try await started(client, node: "n2"), node: "n2") == 1)
            #expect(try await claims.ping(taskIDs: try await started(client, node: "n2"), node: "n1") == 0)
            clock.advance(by: 0.001)
            let swept = try await claims.sweepStale(timeout: 30, maxAttempts: 2)
            #expect(
                swept.requeued
                    == (try await ids(client, "node IS NULL AND status = \(BuildTaskStatus.idle.sql) AND attempts = 1"))
            )
            #expect(swept.requeued.count == 1 && swept.failed.isEmpty)
            #expect(try await started(client, node: "n2").count == 1, "the pinged lease is kept")

            // After maxAttempts claims the next timeout fails the task.
            _ = try #require(try await claims.claimRaw(arch: "x86_64", node: "n1"))
            clock.advance(by: 31)
            let final = try await claims.sweepStale(timeout: 30, maxAttempts: 2)
            #expect(final.failed == swept.requeued)
            #expect(final.requeued.count == 1, "n2's lease, first attempt: back to idle")
        }
    }

    func started(_ client: PostgresClient, node: String) async throws -> [Int64] {
        try await ids(client, "status = \(BuildTaskStatus.started.sql) AND node = '\(node)'")
    }

    func ids(_ client: PostgresClient, _ condition: String) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await client.query(
            PostgresQuery(unsafeSQL: "SELECT id FROM build_tasks WHERE \(condition) ORDER BY id")
        )
        .decode(Int64.self) { ids.append(id) }
        return ids
    }
}
