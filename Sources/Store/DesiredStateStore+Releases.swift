import Logging
import PostgresNIO
import Spec
import Statuses

extension DesiredStateStore {
    /// Writes a git release. A scheduled one (or a new one) gets everything: platforms, plan,
    /// `desired_state` and its `release_builds`. One no longer scheduled (in progress or
    /// finished: history) gets only its `desired_state` (and the commit that wrote it), so
    /// git can mark a committed release reverted without rewriting what was released.
    static func upsertRelease(
        _ r: ReleasePlan, commitSHA sha: String, on conn: PostgresConnection, logger: Logger
    ) async throws {
        let git = Origin.git.rawValue
        let plan = try jsonText(StoredReleasePlan(r))
        let scheduled = ReleaseStatus.scheduled.rawValue
        let state = r.state.rawValue
        let rows = try await conn.query(
            """
            INSERT INTO releases (name, status, platform_id, reference_platform_id, plan, desired_state, origin,
                                  commit_sha)
            VALUES (\(r.name), \(scheduled), (SELECT id FROM platforms WHERE name = \(r.platform)),
                    (SELECT id FROM platforms WHERE name = \(r.referencePlatform)), \(plan)::jsonb, \(state), \(git),
                    \(sha))
            ON CONFLICT (name) DO UPDATE SET
              platform_id = CASE WHEN releases.status = \(scheduled) THEN EXCLUDED.platform_id
                            ELSE releases.platform_id END,
              reference_platform_id = CASE WHEN releases.status = \(scheduled) THEN EXCLUDED.reference_platform_id
                                      ELSE releases.reference_platform_id END,
              plan = CASE WHEN releases.status = \(scheduled) THEN EXCLUDED.plan ELSE releases.plan END,
              origin = CASE WHEN releases.status = \(scheduled) THEN EXCLUDED.origin ELSE releases.origin END,
              desired_state = EXCLUDED.desired_state, commit_sha = EXCLUDED.commit_sha, updated_at = now()
            RETURNING id, status
            """, logger: logger)
        var rid: Int64 = 0
        var status: Int16 = scheduled
        for try await (id, s) in rows.decode((Int64, Int16).self) { (rid, status) = (id, s) }
        guard status == scheduled else { return }
        let buildIDs = r.builds.map(Int64.init)
        try await conn.query(
            """
            DELETE FROM release_builds WHERE release_id = \(rid) AND NOT (build_id = ANY(\(buildIDs)::bigint[]))
            """, logger: logger)
        try await conn.query(
            """
            INSERT INTO release_builds (release_id, build_id)
            SELECT \(rid), id FROM builds WHERE id = ANY(\(buildIDs)::bigint[]) ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Makes `distribution_builds` of distribution `id` exactly the builds `d` lists.
    static func linkBuilds(
        of d: Distribution, distribution id: Int64, on conn: PostgresConnection, logger: Logger
    ) async throws {
        let builds = d.builds.map(Int64.init)
        try await conn.query(
            """
            DELETE FROM distribution_builds WHERE distribution_id = \(id)
            AND NOT (build_id = ANY(\(builds)::bigint[]))
            """, logger: logger)
        try await conn.query(
            """
            INSERT INTO distribution_builds (distribution_id, build_id)
            SELECT \(id), b FROM unnest(\(builds)::bigint[]) AS b ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
