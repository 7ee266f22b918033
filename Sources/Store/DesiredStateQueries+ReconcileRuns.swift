import Foundation
import PostgresNIO
import Statuses

extension DesiredStateQueries {
    /// One page of reconcile runs, newest first, without their plans (`pageSize` kept in 1...1000).
    package func reconcileRunsPage(page: Int, pageSize: Int = 20) async throws -> ReconcileRunsPage {
        let size = max(1, min(pageSize, 1000))
        let page = max(1, page)
        let offset = pageOffset(page: page, pageSize: size)
        var total: Int64 = 0
        for try await count in try await client.query("SELECT count(*) FROM reconcile_runs", logger: logger)
            .decode(Int64.self)
        { total = count }
        let runs = try await runs(withPlan: false, tail: "ORDER BY id DESC LIMIT \(size) OFFSET \(offset)")
        return ReconcileRunsPage(runs: runs, totalRuns: Int(total), page: page, pageSize: size)
    }

    /// One reconcile run with its plan, nil when absent.
    package func reconcileRun(id: Int64) async throws -> ReconcileRunRecord? {
        try await runs(withPlan: true, tail: "WHERE id = \(id)").first
    }

    /// The newest run still `running` started by `trigger`, if any (to answer a 202 with its id).
    package func latestRunningRunID(trigger: String) async throws -> Int64? {
        let rows = try await client.query(
            """
            SELECT id FROM reconcile_runs WHERE result = \(ReconcileRunResult.running.rawValue) AND trigger = \(trigger)
            ORDER BY id DESC LIMIT 1
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }

    /// Runs selected by `tail` (integers only, no user text).
    private func runs(withPlan: Bool, tail: String) async throws -> [ReconcileRunRecord] {
        var runs: [ReconcileRunRecord] = []
        for try await (id, started, finished, sha, trigger, result, errors, duration, plan) in try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT id, started_at, finished_at, commit_sha, trigger, result, errors::text, duration_ms,
                           \(withPlan ? "plan::text" : "NULL::text")
                    FROM reconcile_runs \(tail)
                    """), logger: logger
        ).decode((Int64, Date, Date?, String?, String, String, String, Int32?, String?).self) {
            runs.append(
                ReconcileRunRecord(
                    id: id, startedAt: started, finishedAt: finished, commitSHA: sha, trigger: trigger,
                    result: try StoredValue.decode(ReconcileRunResult.self, result, column: "reconcile_runs.result"),
                    errors: decodeStringArray(errors), durationMS: duration.map(Int.init), planJSON: plan))
        }
        return runs
    }
}
