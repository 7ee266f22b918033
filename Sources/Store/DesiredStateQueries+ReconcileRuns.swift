import PostgresNIO

extension DesiredStateQueries {
    /// The JSON object of one `reconcile_runs` row `x` (SQL fragment); the plan only when `withPlan`.
    static func runObject(withPlan: Bool) -> String {
        """
        json_build_object('id', x.id, 'started_at', x.started_at, 'finished_at', x.finished_at,
          'commit_sha', x.commit_sha, 'trigger', x.trigger, 'result', x.result, 'errors', x.errors,
          'duration_ms', x.duration_ms\(withPlan ? ", 'plan', x.plan" : ""))
        """
    }

    /// One page of reconcile runs, newest first, without their plans:
    /// `{"runs": [...], "total_runs": N, "current_page": page, "page_size": size}`.
    public func reconcileRunsPageJSON(page: Int, pageSize: Int = 20) async throws -> String {
        let size = max(1, min(pageSize, 1000))
        let page = max(1, page)
        let offset = Int64(page - 1) * Int64(size)
        let limit = Int64(size)
        let rows = try await client.query("""
            SELECT json_build_object(
              'runs', coalesce((SELECT json_agg(\(unescaped: Self.runObject(withPlan: false)) ORDER BY x.id DESC)
                                FROM (SELECT * FROM reconcile_runs ORDER BY id DESC
                                      LIMIT \(limit) OFFSET \(offset)) x), '[]'::json),
              'total_runs', (SELECT count(*) FROM reconcile_runs),
              'current_page', \(Int64(page))::bigint, 'page_size', \(limit)::bigint)::text
            """, logger: logger)
        for try await text in rows.decode(String.self) { return text }
        return #"{"runs":[],"total_runs":0}"#
    }

    /// One reconcile run with its plan as a JSON object, nil when absent.
    public func reconcileRunJSON(id: Int64) async throws -> String? {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.runObject(withPlan: true))::text FROM reconcile_runs x WHERE x.id = \(id)
            """, logger: logger)
        for try await text in rows.decode(String.self) { return text }
        return nil
    }

    /// The newest run still `running` started by `trigger`, if any (to answer a 202 with its id).
    public func latestRunningRunID(trigger: String) async throws -> Int64? {
        let rows = try await client.query("""
            SELECT id FROM reconcile_runs WHERE result = 'running' AND trigger = \(trigger) ORDER BY id DESC LIMIT 1
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }
}
