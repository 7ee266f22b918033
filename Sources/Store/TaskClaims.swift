import Logging
import PostgresNIO

/// The build-node queue: claims with `FOR UPDATE SKIP LOCKED` on the partial index
/// `build_tasks_claimable (arch, id) WHERE status = 0 AND pending_deps = 0`, one statement
/// per arch (`arch = $1`, never `ANY`), lease refreshes (ping) and the stale-lease sweep.
///
///     let json = try await TaskClaims(client: client).claim(arches: ["x86_64", "i686"], node: "n1")
public struct TaskClaims: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.claims")) {
        self.client = client
        self.logger = logger
    }

    /// Claims the next ready task of the first arch in `arches` that has one (lowest id first)
    /// for `node` and returns the `get_task` answer as JSON text, nil when there is none.
    /// Tasks whose package is in `excludedPackages` are left for other nodes.
    public func claim(arches: [String], node: String, excludedPackages: [String] = []) async throws -> String? {
        for arch in arches {
            if excludedPackages.isEmpty {
                for try await json in try await client.execute(ClaimTaskStatement(arch: arch, node: node), logger: logger) {
                    return json
                }
            } else {
                let statement = ClaimTaskExcludingStatement(arch: arch, node: node, excluded: excludedPackages)
                for try await json in try await client.execute(statement, logger: logger) { return json }
            }
        }
        return nil
    }

    /// The bare claim statement (no answer built), for the benchmark's raw SQL reference:
    /// returns the claimed task id.
    public func claimRaw(arch: String, node: String) async throws -> Int64? {
        for try await id in try await client.execute(ClaimRawStatement(arch: arch, node: node), logger: logger) {
            return id
        }
        return nil
    }

    /// Refreshes the lease (`ts`) of the listed tasks that `node` holds; returns how many.
    @discardableResult
    public func ping(taskIDs: [Int64], node: String) async throws -> Int {
        guard !taskIDs.isEmpty else { return 0 }
        let rows = try await client.query("""
            UPDATE build_tasks SET ts = now() WHERE id = ANY(\(taskIDs)) AND status = 1 AND node = \(node) RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int64.self) { count += 1 }
        return count
    }

    /// What one sweep did.
    public struct SweepResult: Sendable, Equatable {
        /// Tasks put back to idle.
        public var requeued: [Int64]
        /// Tasks failed for having used all their attempts.
        public var failed: [Int64]
    }

    /// Started tasks whose lease is older than `timeout` go back to idle, or fail (with a
    /// message) once they were claimed `maxAttempts` times; a failed task releases its dependents.
    public func sweepStale(timeout: Double, maxAttempts: Int) async throws -> SweepResult {
        let rows = try await client.query("""
            WITH stale AS (
                SELECT id FROM build_tasks WHERE status = 1 AND ts < now() - make_interval(secs => \(timeout))
                ORDER BY ts LIMIT 1000 FOR UPDATE SKIP LOCKED
            ), updated AS (
                UPDATE build_tasks t SET
                    status = CASE WHEN t.attempts >= \(Int32(maxAttempts)) THEN 3 ELSE 0 END,
                    error = CASE WHEN t.attempts >= \(Int32(maxAttempts))
                        THEN format('node %s stopped pinging for more than %s s; failed after %s attempts', t.node, \(timeout), t.attempts)
                        ELSE t.error END,
                    finished_at = CASE WHEN t.attempts >= \(Int32(maxAttempts)) THEN now() ELSE NULL END,
                    node = NULL, ts = NULL
                FROM stale WHERE t.id = stale.id
                RETURNING t.id, t.status, t.build_id
            ), finished AS (
                UPDATE builds b SET finished_at = now()
                WHERE b.id IN (SELECT build_id FROM updated WHERE status = 3)
                AND NOT EXISTS (SELECT 1 FROM build_tasks o WHERE o.build_id = b.id AND o.status IN (0, 1)
                                AND o.id NOT IN (SELECT id FROM updated WHERE status = 3))
                RETURNING b.id
            ), released AS (
                UPDATE build_tasks d SET pending_deps = greatest(d.pending_deps - agg.n, 0)
                FROM (SELECT x.task_id, count(*)::int AS n FROM build_task_dependencies x
                      JOIN updated u ON u.id = x.depends_on_id AND u.status = 3 GROUP BY x.task_id) agg
                WHERE d.id = agg.task_id AND d.status = 0
                RETURNING d.id
            )
            SELECT id, status FROM updated
            """, logger: logger)
        var result = SweepResult(requeued: [], failed: [])
        for try await (id, status) in rows.decode((Int64, Int16).self) {
            if status == 0 { result.requeued.append(id) } else { result.failed.append(id) }
        }
        result.requeued.sort()
        result.failed.sort()
        return result
    }

    static let claimedCTE = """
        WITH claimed AS (
            UPDATE build_tasks SET status = 1, ts = now(), node = $2, attempts = attempts + 1, started_at = now()
            WHERE id = (SELECT id FROM build_tasks WHERE status = 0 AND pending_deps = 0 AND arch = $1 %EXCLUDE%
                        ORDER BY id + 0 LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, build_id, platform_id, ref_id, arch, is_secure_boot, built_srpm_url, srpm_hash,
                      alma_commit_cas_hash, is_cas_authenticated
        )
        """

    /// The `get_task` answer for the claimed row `c`, in the shape the ALBS node's model requires.
    static let answerSelect = """
        SELECT json_build_object(
            'id', c.id, 'build_id', c.build_id, 'arch', c.arch,
            'ref', json_build_object('url', r.url, 'git_ref', r.git_ref, 'ref_type', r.ref_type, 'git_commit_hash', r.git_commit_hash),
            'platform', json_build_object('name', p.name, 'type', p.type, 'data', p.data, 'arch_list', p.arch_list),
            'created_by', json_build_object('name', u.username, 'email', u.email),
            'repositories', coalesce((
                SELECT json_agg(json_build_object('name', x.name, 'url', x.url, 'priority', x.priority, 'mock_enabled', x.mock_enabled)
                                ORDER BY x.ord, x.id)
                FROM (
                    SELECT br.name, br.url, 5 AS priority, br.kind = 'rpm' AS mock_enabled, 0 AS ord, br.id
                    FROM build_repositories br
                    WHERE br.build_id = c.build_id AND br.platform_id = c.platform_id AND br.arch = c.arch AND br.kind IN ('rpm', 'debug')
                    UNION ALL
                    SELECT br.name, br.url, 8, br.kind = 'rpm', 1, br.id
                    FROM build_links l JOIN build_repositories br ON br.build_id = l.linked_build_id
                    WHERE l.build_id = c.build_id AND br.platform_id = c.platform_id AND br.arch = c.arch AND br.kind IN ('rpm', 'debug')
                    UNION ALL
                    SELECT rp.name, rp.url, 10, NOT rp.debug, 2, rp.id
                    FROM platform_repositories pr JOIN repositories rp ON rp.id = pr.repository_id
                    WHERE pr.platform_id = c.platform_id AND rp.arch = c.arch AND rp.type <> 'build_log'
                ) x), '[]'::json),
            'linked_builds', coalesce((SELECT json_agg(l.linked_build_id ORDER BY l.linked_build_id)
                                       FROM build_links l WHERE l.build_id = c.build_id), '[]'::json),
            'is_secure_boot', c.is_secure_boot,
            'built_srpm_url', c.built_srpm_url,
            'srpm_hash', c.srpm_hash,
            'alma_commit_cas_hash', c.alma_commit_cas_hash,
            'is_cas_authenticated', c.is_cas_authenticated
        )::text
        FROM claimed c
        JOIN build_task_refs r ON r.id = c.ref_id
        JOIN platforms p ON p.id = c.platform_id
        JOIN builds b ON b.id = c.build_id
        JOIN users u ON u.id = b.created_by
        """

    static let claimSQL = claimedCTE.replacingOccurrences(of: "%EXCLUDE%", with: "") + answerSelect
    static let claimExcludingSQL = claimedCTE.replacingOccurrences(
        of: "%EXCLUDE%", with: "AND package_name <> ALL($3::text[])") + answerSelect
}

import Foundation
