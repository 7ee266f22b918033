import Logging
import PostgresNIO
import Statuses

extension BuildStore {
    /// The error a cancelled task shows (ALBS's words).
    package static let cancelledError = "Build task cancelled by user"

    /// Cancels the build (ALBS `PATCH /builds/{id}/cancel`): every idle task is cancelled and so
    /// is every started one, whose node keeps building: its later `build_done` is answered 200
    /// and ignored (`BuildImportQueue.record` answers `.ignored`, a pending import completes
    /// without writing anything). Tasks of other builds that waited for a cancelled task are
    /// released (a cancelled task is finished, as a failed one), and the build is finished.
    /// With `requestedBy` set, only that user's own build may be cancelled (forbidden
    /// otherwise); nil (an admin) may cancel any. Returns the cancelled task ids.
    @discardableResult
    package func cancel(buildID: Int64, requestedBy userID: Int64? = nil) async throws -> [Int64] {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger, statementTimeout: statementTimeout) { connection in
            var createdBy: Int64?
            for try await id in try await connection.query(
                "SELECT created_by FROM builds WHERE id = \(buildID)", logger: logger
            ).decode(Int64.self) { createdBy = id }
            guard let createdBy else { throw BuildStoreError.notFound("Build \(buildID) not found") }
            if let userID, userID != createdBy {
                throw BuildStoreError.forbidden("Only the build's creator or an admin can cancel build \(buildID)")
            }
            let unfinished = BuildTaskStatus.unfinished.map(\.rawValue)
            // Task rows before the build row: the order `writeFinish` takes them in.
            try await connection.query(
                """
                SELECT id FROM build_tasks WHERE build_id = \(buildID) AND status = ANY(\(unfinished)) ORDER BY id FOR UPDATE
                """, logger: logger)
            try await connection.query("SELECT id FROM builds WHERE id = \(buildID) FOR UPDATE", logger: logger)
            var cancelled: [Int64] = []
            for try await id in try await connection.query(
                """
                WITH cancelled AS (
                    UPDATE build_tasks SET status = \(BuildTaskStatus.cancelled.rawValue), error = \(Self.cancelledError),
                           ts = NULL, pending_deps = 0,
                           finished_at = CASE WHEN status = \(BuildTaskStatus.started.rawValue) THEN now() ELSE finished_at END
                    WHERE build_id = \(buildID) AND status = ANY(\(unfinished))
                    RETURNING id
                ), released AS (
                    UPDATE build_tasks d SET pending_deps = greatest(d.pending_deps - agg.n, 0)
                    FROM (SELECT x.task_id, count(*)::int AS n FROM build_task_dependencies x
                          JOIN cancelled c ON c.id = x.depends_on_id GROUP BY x.task_id) agg
                    WHERE d.id = agg.task_id AND d.build_id <> \(buildID) AND d.status = \(BuildTaskStatus.idle.rawValue)
                    RETURNING d.id
                )
                SELECT id FROM cancelled
                """, logger: logger
            ).decode(Int64.self) { cancelled.append(id) }
            try await connection.query(
                """
                UPDATE builds SET finished_at = now() WHERE id = \(buildID) AND finished_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM build_tasks WHERE build_id = \(buildID) AND status = ANY(\(unfinished)))
                """, logger: logger)
            return cancelled.sorted()
        }
    }
}

/// For a parallel restart (ALBS `parallel-restart-failed`): drops the dependencies of the
/// `restarted` tasks on tasks of other ref indexes of the same build, so every restarted task
/// can run at once. Dependencies within an index (an arch task on its ref's `src` task) and on
/// linked builds stay. The dropped edges are gone for good: a later ordered restart orders by
/// the dependencies that remain (as ALBS removes a dependency once it is met).
func dropOrderingBetweenIndexes(restarted: [Int64], connection: PostgresConnection, logger: Logger) async throws {
    try await connection.query(
        """
        DELETE FROM build_task_dependencies x USING build_tasks t, build_tasks d
        WHERE x.task_id = ANY(\(restarted)) AND t.id = x.task_id AND d.id = x.depends_on_id
        AND d.build_id = t.build_id AND d.index <> t.index
        """, logger: logger)
}
