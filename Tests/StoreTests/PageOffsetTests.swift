import KilnTestSupport
import Store
import Testing

/// A page number near `Int.max` (`?pageNumber=9223372036854775807`) once overflowed the offset
/// and killed the server; now it reads an empty page.
@Suite struct PageOffsetTests {
    @Test func hugePagesReadEmptyPagesInsteadOfTrapping() async throws {
        try await TestDatabase.with { client, _ in
            let builds = try await BuildStore(client: client).buildsPage(page: Int.max, pageSize: 25)
            #expect(builds.builds.isEmpty && builds.total == 0)
            let runs = DesiredStateQueries(client: client)
            _ = try await ReconcileRunStore(client: client).start(trigger: "test", commitSHA: nil)
            let huge = try await runs.reconcileRunsPage(page: Int.max)
            #expect(huge.runs.isEmpty && huge.totalRuns == 1 && huge.page == Int.max)
            let first = try await runs.reconcileRunsPage(page: 1)
            #expect(first.runs.count == 1)
        }
    }
}
