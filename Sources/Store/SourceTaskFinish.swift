import Logging
import PostgresNIO
import Statuses

/// What a finished `src` task means for the arch tasks of its ref and platform (run by
/// `writeFinish` before the task's own status is written, in the same transaction): when it
/// built a source RPM, they get its download URL (`built_srpm_url`) and the hash the node sent
/// for it (`srpm_hash`, the CAS hash as ALBS sends); when it failed, they fail too, naming it,
/// and release what waited for them (as any failed task does).
func finishSourceTask(
    on connection: PostgresConnection, _ finish: TaskFinish, artifacts: [ArtifactRecord], logger: Logger
) async throws {
    let idle = BuildTaskStatus.idle.rawValue
    let source = BuildRequest.sourceArch
    switch finish.outcome {
    case .failed:
        let failed = BuildTaskStatus.failed.rawValue
        try await connection.query(
            """
            WITH src AS (
                SELECT t.id, t.build_id, t.platform_id, t.index, r.url FROM build_tasks t
                JOIN build_task_refs r ON r.id = t.ref_id WHERE t.id = \(finish.taskID)
            ), failed AS (
                UPDATE build_tasks d SET status = \(failed), finished_at = now(), ts = NULL, pending_deps = 0,
                       error = format('Source RPM task %s (ref %s) failed; this task needs the source RPM it builds',
                                      src.id, src.url)
                FROM src, build_task_dependencies x
                WHERE x.depends_on_id = src.id AND d.id = x.task_id AND d.status = \(idle) AND d.arch <> \(source)
                  AND d.build_id = src.build_id AND d.platform_id = src.platform_id AND d.index = src.index
                RETURNING d.id
            )
            UPDATE build_tasks n SET pending_deps = greatest(n.pending_deps - agg.n, 0)
            FROM (SELECT x.task_id, count(*)::int AS n FROM build_task_dependencies x
                  JOIN failed f ON f.id = x.depends_on_id GROUP BY x.task_id) agg
            WHERE n.id = agg.task_id AND n.status = \(idle)
            """, logger: logger)
    case .done:
        guard
            let srpm = artifacts.first(where: {
                $0.type == .rpm && $0.arch == source && $0.name.hasSuffix(".src.rpm") && $0.url != nil
            })
        else { return }
        try await connection.query(
            """
            UPDATE build_tasks d SET built_srpm_url = \(srpm.url), srpm_hash = \(srpm.casHash)
            FROM build_task_dependencies x, build_tasks s
            WHERE x.depends_on_id = \(finish.taskID) AND d.id = x.task_id AND s.id = \(finish.taskID)
              AND d.arch <> \(source) AND d.build_id = s.build_id AND d.platform_id = s.platform_id AND d.index = s.index
            """, logger: logger)
    default:
        return
    }
}
