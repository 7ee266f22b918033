import Foundation
import PostgresNIO
import Spec

/// The JSON answers as PostgreSQL rendered them before the wire types existed (copied from the
/// `json_build_object` statements they replace): the reference the typed answers must equal,
/// field for field and value for value (timestamps included).
enum LegacyJSON {
    static let build = """
        json_build_object(
          'id', b.id, 'created_at', b.created_at, 'finished_at', b.finished_at,
          'released', b.released, 'signed', b.signed,
          'user', (SELECT json_build_object('id', u.id, 'username', u.username, 'email', u.email) FROM users u WHERE u.id = b.created_by),
          'linked_builds', coalesce((SELECT json_agg(l.linked_build_id ORDER BY l.linked_build_id) FROM build_links l WHERE l.build_id = b.id), '[]'::json),
          'tasks', coalesce((SELECT json_agg(json_build_object(
              'id', t.id, 'ts', t.ts, 'status', t.status, 'index', t.index, 'arch', t.arch,
              'attempts', t.attempts, 'error', t.error, 'node', t.node,
              'started_at', t.started_at, 'finished_at', t.finished_at,
              'platform', json_build_object('id', p.id, 'type', p.type, 'name', p.name, 'arch_list', p.arch_list),
              'ref', json_build_object('url', r.url, 'git_ref', r.git_ref, 'ref_type', r.ref_type, 'git_commit_hash', r.git_commit_hash),
              'artifacts', coalesce((SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'type', a.type, 'href', a.href,
                                     'arch', a.arch, 'sha256', a.sha256) ORDER BY a.id)
                                     FROM artifacts a WHERE a.build_task_id = t.id), '[]'::json)
            ) ORDER BY p.id, t.index, t.id)
            FROM build_tasks t JOIN platforms p ON p.id = t.platform_id JOIN build_task_refs r ON r.id = t.ref_id
            WHERE t.build_id = b.id), '[]'::json)
        )
        """

    static let builds = "SELECT coalesce(json_agg(\(build) ORDER BY b.id DESC), '[]'::json)::text FROM builds b"

    static let repositoryObject = """
        json_build_object('id', r.id, 'name', r.name, 'arch', r.arch, 'url', r.url, 'type', r.type,
          'debug', r.debug, 'production', r.production, 'pulp_href', r.pulp_href,
          'origin', r.origin, 'commit_sha', r.commit_sha,
          'sync', CASE WHEN r.type = 'rpm' AND r.url ~ '^https?://'
                        AND (NOT r.production OR coalesce(r.sync_read_only, false))
                   THEN json_build_object(
                     'interval', CASE
                       WHEN r.sync_interval_seconds IS NULL THEN '6h'
                       WHEN r.sync_interval_seconds % 86400 = 0 THEN (r.sync_interval_seconds / 86400) || 'd'
                       WHEN r.sync_interval_seconds % 3600 = 0 THEN (r.sync_interval_seconds / 3600) || 'h'
                       WHEN r.sync_interval_seconds % 60 = 0 THEN (r.sync_interval_seconds / 60) || 'm'
                       ELSE r.sync_interval_seconds || 's' END,
                     'policy', coalesce(r.sync_policy, 'on_demand'), 'last_sync', NULL) END)
        """

    static let platforms = """
        SELECT coalesce(json_agg(json_build_object(
          'id', p.id, 'name', p.name, 'type', p.type, 'distr_type', p.distr_type,
          'distr_version', p.distr_version, 'test_dist_name', p.test_dist_name,
          'arch_list', p.arch_list, 'data', p.data,
          'repos', coalesce((SELECT json_agg(\(repositoryObject) ORDER BY r.id)
                             FROM platform_repositories pr JOIN repositories r ON r.id = pr.repository_id
                             WHERE pr.platform_id = p.id), '[]'::json),
          'origin', p.origin, 'commit_sha', p.commit_sha) ORDER BY p.id), '[]'::json)::text
        FROM platforms p
        """

    static let distributions = """
        SELECT coalesce(json_agg(json_build_object(
          'id', d.id, 'name', d.name,
          'platforms', coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name,
                                                                  'arch_list', p.arch_list) ORDER BY p.id)
                                 FROM distribution_platforms dp JOIN platforms p ON p.id = dp.platform_id
                                 WHERE dp.distribution_id = d.id), '[]'::json),
          'origin', d.origin, 'commit_sha', d.commit_sha) ORDER BY d.id), '[]'::json)::text
        FROM distributions d
        """

    static let repositories =
        "SELECT coalesce(json_agg(\(repositoryObject) ORDER BY r.id), '[]'::json)::text FROM repositories r"

    static let signKeys = """
        SELECT coalesce(json_agg(json_build_object(
          'id', k.id, 'name', k.name, 'description', k.description, 'keyid', k.keyid,
          'fingerprint', k.fingerprint, 'public_url', k.public_url, 'inserted', k.inserted,
          'origin', k.origin, 'commit_sha', k.commit_sha, 'active', k.active, 'archived', k.archived,
          'platform_ids', coalesce((SELECT json_agg(kp.platform_id ORDER BY kp.platform_id)
                                    FROM sign_key_platforms kp WHERE kp.sign_key_id = k.id), '[]'::json),
          'platform_id', (SELECT min(kp.platform_id) FROM sign_key_platforms kp WHERE kp.sign_key_id = k.id))
          ORDER BY k.id), '[]'::json)::text
        FROM sign_keys k
        """

    static func runObject(withPlan: Bool) -> String {
        """
        json_build_object('id', x.id, 'started_at', x.started_at, 'finished_at', x.finished_at,
          'commit_sha', x.commit_sha, 'trigger', x.trigger, 'result', x.result, 'errors', x.errors,
          'duration_ms', x.duration_ms\(withPlan ? ", 'plan', x.plan" : ""))
        """
    }

    static func runsPage(page: Int, size: Int) -> String {
        """
        SELECT json_build_object(
          'runs', coalesce((SELECT json_agg(\(runObject(withPlan: false)) ORDER BY x.id DESC)
                            FROM (SELECT * FROM reconcile_runs ORDER BY id DESC
                                  LIMIT \(size) OFFSET \((page - 1) * size)) x), '[]'::json),
          'total_runs', (SELECT count(*) FROM reconcile_runs),
          'current_page', \(page)::bigint, 'page_size', \(size)::bigint)::text
        """
    }

    static func run(id: Int64) -> String {
        "SELECT \(runObject(withPlan: true))::text FROM reconcile_runs x WHERE x.id = \(id)"
    }

    /// Runs `sql` (one text column) in a UTC session and parses the answer.
    static func value(_ client: PostgresClient, _ sql: String) async throws -> JSONValue {
        try await client.withConnection { connection in
            try await connection.query("SET TIME ZONE 'UTC'", logger: logger)
            for try await text in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                .decode(String.self)
            {
                return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            }
            return .null
        }
    }

    static let logger = Logger(label: "kiln.test.legacy-json")
}
