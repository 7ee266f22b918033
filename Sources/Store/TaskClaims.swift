import Foundation
import Logging
import PostgresNIO
import Statuses

/// The build-node queue: claims with `FOR UPDATE SKIP LOCKED` on the partial index
/// `build_tasks_claimable (arch, id) WHERE status = 0 AND pending_deps = 0`, one statement
/// per arch (`arch = $1`, never `ANY`), lease refreshes (ping) and the stale-lease sweep.
/// Lease times come from `clock` (bound as `now`), not from PostgreSQL's `now()`.
///
///     let json = try await TaskClaims(client: client).claim(arches: ["x86_64", "i686"], node: "n1")
package struct TaskClaims: Sendable {
    let client: PostgresClient
    let logger: Logger
    let clock: any LeaseClock

    package init(
        client: PostgresClient, logger: Logger = Logger(label: "kiln.store.claims"),
        clock: any LeaseClock = SystemLeaseClock()
    ) {
        self.client = client
        self.logger = logger
        self.clock = clock
    }

    /// Claims the next ready task of the first arch in `arches` that has one (lowest id first)
    /// for `node` and returns the `get_task` answer as JSON text, nil when there is none.
    /// Tasks are left for other nodes when a name of `excludedPackages` occurs in their ref's URL
    /// (case-insensitive, as ALBS's `ILIKE '%name%'`), or for a `.src.rpm` ref in its package name.
    package func claim(arches: [String], node: String, excludedPackages: [String] = []) async throws -> String? {
        let now = clock.now()
        let excludedPackages = Self.excludeNames(excludedPackages)
        for arch in arches {
            let repositoryArch = Self.repositoryArch(claiming: arch, nodeArches: arches)
            if excludedPackages.isEmpty {
                if let json = try await claimRaw(arch: arch, node: node, now: now, repositoryArch: repositoryArch) {
                    return json
                }
            } else {
                let statement = ClaimTaskExcludingStatement(
                    arch: arch, node: node, now: now, repositoryArch: repositoryArch, excluded: excludedPackages)
                for try await json in try await client.execute(statement, logger: logger) {
                    return try await filled(json, repositoryArch: repositoryArch)
                }
            }
        }
        return nil
    }

    /// The arch whose repositories a task of `arch` is answered with: its own, or for a `src` task
    /// the node's first arch that is not `src` (ALBS builds the source RPM in a chroot of the
    /// node's own arch), `src` when the node lists no other.
    static func repositoryArch(claiming arch: String, nodeArches: [String]) -> String {
        guard arch == "src" else { return arch }
        return nodeArches.first { $0 != "src" } ?? arch
    }

    /// The names a claim matches `exclude_key` against: lowercased, empty ones dropped (an empty
    /// name would match every task).
    static func excludeNames(_ names: [String]) -> [String] {
        names.filter { !$0.isEmpty }.map { $0.lowercased() }
    }

    /// One run of the claim statement `get_task` runs (`ClaimTaskStatement`) for one arch, without
    /// the HTTP layer: the `get_task` answer as JSON text, nil when no task is ready.
    /// `kiln bench dispatch` measures it as the SQL reference.
    package func claimRaw(arch: String, node: String) async throws -> String? {
        try await claimRaw(arch: arch, node: node, now: clock.now(), repositoryArch: arch)
    }

    private func claimRaw(arch: String, node: String, now: Date, repositoryArch: String) async throws -> String? {
        for try await json in try await client.execute(
            ClaimTaskStatement(arch: arch, node: node, now: now, repositoryArch: repositoryArch), logger: logger)
        {
            return try await filled(json, repositoryArch: repositoryArch)
        }
        return nil
    }

    /// The claim's answer; for `fill:<task id>` (no current per-build half cached), the answer
    /// `fillSQL` renders after computing and storing that half.
    private func filled(_ answer: String, repositoryArch: String) async throws -> String? {
        guard answer.hasPrefix("fill:"), let id = Int64(answer.dropFirst(5)) else { return answer }
        for try await json in try await client.execute(
            FillAnswerStatement(taskID: id, repositoryArch: repositoryArch), logger: logger)
        {
            return json
        }
        return nil
    }

    /// Refreshes the lease (`ts`) of the listed tasks that `node` holds; returns how many.
    @discardableResult
    package func ping(taskIDs: [Int64], node: String) async throws -> Int {
        guard !taskIDs.isEmpty else { return 0 }
        let rows = try await client.query(
            """
            UPDATE build_tasks SET ts = \(clock.now())
            WHERE id = ANY(\(taskIDs)) AND status = \(BuildTaskStatus.started.rawValue) AND node = \(node) RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int64.self) { count += 1 }
        return count
    }

    /// What one sweep did.
    package struct SweepResult: Sendable, Equatable {
        /// Tasks put back to idle.
        package var requeued: [Int64]
        /// Tasks failed for having used all their attempts.
        package var failed: [Int64]
    }

    /// Started tasks whose lease is older than `timeout` go back to idle, or fail (with a
    /// message) once they were claimed `maxAttempts` times; a failed task releases its dependents.
    /// A task whose result is recorded (`result_recorded_at`, its import pending) is left alone;
    /// a requeued task remembers its node (`swept_node`), whose late `build_done` is still accepted
    /// until another node claims the task.
    package func sweepStale(timeout: Double, maxAttempts: Int) async throws -> SweepResult {
        let now = clock.now()
        let attempts = Int32(maxAttempts)
        let idle = BuildTaskStatus.idle.rawValue
        let started = BuildTaskStatus.started.rawValue
        let failed = BuildTaskStatus.failed.rawValue
        let rows = try await client.query(
            """
            WITH stale AS (
                SELECT id FROM build_tasks WHERE status = \(started) AND ts < \(now)::timestamptz - make_interval(secs => \(timeout))
                AND result_recorded_at IS NULL
                ORDER BY ts LIMIT 1000 FOR UPDATE SKIP LOCKED
            ), updated AS (
                UPDATE build_tasks t SET
                    status = CASE WHEN t.attempts >= \(attempts) THEN \(failed) ELSE \(idle) END,
                    error = CASE WHEN t.attempts >= \(attempts)
                        THEN format('node %s stopped pinging for more than %s s; failed after %s attempts', t.node, \(timeout), t.attempts)
                        ELSE t.error END,
                    finished_at = CASE WHEN t.attempts >= \(attempts) THEN \(now)::timestamptz ELSE NULL END,
                    swept_node = t.node, node = NULL, ts = NULL
                FROM stale WHERE t.id = stale.id
                RETURNING t.id, t.status, t.build_id
            ), finished AS (
                UPDATE builds b SET finished_at = \(now)
                WHERE b.id IN (SELECT build_id FROM updated WHERE status = \(failed))
                AND NOT EXISTS (SELECT 1 FROM build_tasks o WHERE o.build_id = b.id AND o.status = ANY(\(BuildTaskStatus.unfinished.map(\.rawValue)))
                                AND o.id NOT IN (SELECT id FROM updated WHERE status = \(failed)))
                RETURNING b.id
            ), released AS (
                UPDATE build_tasks d SET pending_deps = greatest(d.pending_deps - agg.n, 0)
                FROM (SELECT x.task_id, count(*)::int AS n FROM build_task_dependencies x
                      JOIN updated u ON u.id = x.depends_on_id AND u.status = \(failed) GROUP BY x.task_id) agg
                WHERE d.id = agg.task_id AND d.status = \(idle)
                RETURNING d.id
            )
            SELECT id, status FROM updated
            """, logger: logger)
        var result = SweepResult(requeued: [], failed: [])
        for try await (id, raw) in rows.decode((Int64, Int16).self) {
            if BuildTaskStatus(rawValue: raw) == .idle { result.requeued.append(id) } else { result.failed.append(id) }
        }
        result.requeued.sort()
        result.failed.sort()
        return result
    }

    static let claimedCTE = """
        WITH claimed AS (
            UPDATE build_tasks SET status = \(BuildTaskStatus.started.sql), ts = $3, node = $2, attempts = attempts + 1,
                   started_at = $3
            WHERE id = (SELECT id FROM build_tasks WHERE status = \(BuildTaskStatus.idle.sql) AND pending_deps = 0 AND arch = $1 %EXCLUDE%
                        ORDER BY id + 0 LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, build_id, platform_id, ref_id, arch, is_secure_boot, built_srpm_url, srpm_hash,
                      alma_commit_cas_hash, is_cas_authenticated, mock_options
        )
        """

    /// The `get_task` answer for the claimed row `c`, in the shape the ALBS node's model requires.
    /// The per-build half (platform data merged with the build's flavors and mock options, the
    /// repositories, the linked builds) comes from `build_claim_answers` while it is current
    /// (the build's `answer_version` and the global `claim_answer_generation`, both bumped by
    /// triggers of migration 0030, still match); the per-task half (the ref's mock options,
    /// Secure Boot packages) is applied on top by `kiln_task_platform_data`. A task that adds
    /// nothing of its own (the common case) splices the cached half's pre-rendered text
    /// (`tail`, migration 0055) into its answer: no JSONB re-serialised, no function called, no
    /// platform or user row read. When the cached half is missing or stale the statement
    /// answers `fill:<task id>` and `TaskClaims` runs `fillSQL` for the task it now holds: the
    /// hot statement stays small to plan and run.
    static let answerSelect = """
        , cur AS (
            SELECT c.*, b.answer_version, b.created_by,
                   (SELECT g.value FROM claim_answer_generation g WHERE g.singleton) AS generation
            FROM claimed c JOIN builds b ON b.id = c.build_id
        )
        SELECT CASE WHEN h.tail IS NULL THEN 'fill:' || c.id
                    WHEN c.is_secure_boot OR (c.mock_options IS NOT NULL AND c.mock_options <> '{}'::jsonb)
                    THEN (SELECT \(renderJSON) FROM platforms p JOIN users u ON u.id = c.created_by
                          WHERE p.id = c.platform_id)
                    ELSE \(renderSplicedJSON) END
        FROM cur c
        LEFT JOIN build_claim_answers h
          ON h.build_id = c.build_id AND h.platform_id = c.platform_id AND h.arch = $4::text
         AND h.build_version = c.answer_version AND h.generation = c.generation
        JOIN build_task_refs r ON r.id = c.ref_id
        """

    /// The answer of claimed row `c` whose task adds nothing to the platform data: its own
    /// members around the cached per-build `h.tail`, joined as text (no JSONB re-serialised).
    /// The same members, in the same order, as `renderJSON`.
    static let renderSplicedJSON = """
        '{"id":' || c.id || ',"build_id":' || c.build_id || ',"arch":' || to_json(c.arch)::text
            || ',"ref":' || json_build_object('url', r.url, 'git_ref', r.git_ref, 'ref_type', r.ref_type,
                                              'git_commit_hash', r.git_commit_hash)::text
            || h.tail
            || ',"is_secure_boot":false,"built_srpm_url":' || coalesce(to_json(c.built_srpm_url)::text, 'null')
            || ',"srpm_hash":' || coalesce(to_json(c.srpm_hash)::text, 'null')
            || ',"alma_commit_cas_hash":' || coalesce(to_json(c.alma_commit_cas_hash)::text, 'null')
            || ',"is_cas_authenticated":' || coalesce(c.is_cas_authenticated::text, 'null') || '}'
        """

    /// The pre-rendered per-build members of the answer (`build_claim_answers.tail`) for the
    /// per-build half `h` of the task's build `cur`.
    static let tailSQL = """
        ',"platform":' || json_build_object('name', p.name, 'type', p.type, 'data', h.data, 'arch_list', p.arch_list)::text
            || ',"created_by":' || json_build_object('name', u.username, 'email', u.email)::text
            || ',"repositories":' || h.repositories::text
            || ',"linked_builds":' || h.linked_builds::text
        """

    /// Computes and stores the per-build half for task `$1` (claimed by this node), then renders
    /// its answer as `answerSelect` does.
    static let fillSQL = """
        WITH cur AS (
            SELECT t.id, t.build_id, t.platform_id, t.ref_id, t.arch, t.is_secure_boot, t.built_srpm_url, t.srpm_hash,
                   t.alma_commit_cas_hash, t.is_cas_authenticated, t.mock_options, b.answer_version, b.created_by,
                   (SELECT g.value FROM claim_answer_generation g WHERE g.singleton) AS generation,
                   $2::text AS repo_arch
            FROM build_tasks t JOIN builds b ON b.id = t.build_id WHERE t.id = $1
        ), fresh AS (
            SELECT kiln_build_platform_data(cur.build_id, cur.platform_id) AS data,
                \(buildRepositoriesSQL) AS repositories,
                coalesce((SELECT jsonb_agg(l.linked_build_id ORDER BY l.linked_build_id)
                          FROM build_links l WHERE l.build_id = cur.build_id), '[]'::jsonb) AS linked_builds
            FROM cur
        ), stored AS (
            INSERT INTO build_claim_answers AS k (build_id, platform_id, arch, data, repositories, linked_builds,
                                                 build_version, generation, tail)
            SELECT cur.build_id, cur.platform_id, cur.repo_arch, h.data, h.repositories, h.linked_builds,
                   cur.answer_version, cur.generation, \(tailSQL)
            FROM cur CROSS JOIN fresh h
            JOIN platforms p ON p.id = cur.platform_id
            JOIN users u ON u.id = cur.created_by
            ON CONFLICT (build_id, platform_id, arch) DO UPDATE SET data = EXCLUDED.data,
                repositories = EXCLUDED.repositories, linked_builds = EXCLUDED.linked_builds,
                build_version = EXCLUDED.build_version, generation = EXCLUDED.generation, tail = EXCLUDED.tail
            WHERE k.build_version <= EXCLUDED.build_version AND k.generation <= EXCLUDED.generation
              AND (k.build_version < EXCLUDED.build_version OR k.generation < EXCLUDED.generation)
        )
        SELECT \(renderJSON)
        FROM cur c
        CROSS JOIN fresh h
        \(renderJoins)
        """

    /// The answer of claimed row `c` with the per-build half `h`.
    static let renderJSON = """
        json_build_object(
            'id', c.id, 'build_id', c.build_id, 'arch', c.arch,
            'ref', json_build_object('url', r.url, 'git_ref', r.git_ref, 'ref_type', r.ref_type, 'git_commit_hash', r.git_commit_hash),
            'platform', json_build_object('name', p.name, 'type', p.type,
                'data', kiln_task_platform_data(h.data, c.mock_options, c.is_secure_boot), 'arch_list', p.arch_list),
            'created_by', json_build_object('name', u.username, 'email', u.email),
            'repositories', h.repositories,
            'linked_builds', h.linked_builds,
            'is_secure_boot', c.is_secure_boot,
            'built_srpm_url', c.built_srpm_url,
            'srpm_hash', c.srpm_hash,
            'alma_commit_cas_hash', c.alma_commit_cas_hash,
            'is_cas_authenticated', c.is_cas_authenticated
        )::text
        """

    static let renderJoins = """
        JOIN build_task_refs r ON r.id = c.ref_id
        JOIN platforms p ON p.id = c.platform_id
        JOIN users u ON u.id = c.created_by
        """

    /// The repositories of the answer for the claimed row `cur`, in ALBS's order: the build's
    /// own, those of linked builds, the platform's, then those of the flavors the build names.
    static let buildRepositoriesSQL = """
        coalesce((
                SELECT jsonb_agg(jsonb_build_object('name', x.name, 'url', x.url, 'priority', x.priority, 'mock_enabled', x.mock_enabled)
                                ORDER BY x.ord, x.pos, x.id)
                FROM (
                    SELECT br.name, br.url, 5 AS priority, br.kind = \(BuildRepositoryKind.rpm.sql) AS mock_enabled, 0 AS ord, 0 AS pos, br.id
                    FROM build_repositories br
                    WHERE br.build_id = cur.build_id AND br.platform_id = cur.platform_id AND br.arch = cur.repo_arch AND br.kind IN \(BuildRepositoryKind.sqlList(BuildRepositoryKind.installable))
                    UNION ALL
                    SELECT br.name, br.url, 8, br.kind = \(BuildRepositoryKind.rpm.sql), 1, 0, br.id
                    FROM build_links l JOIN build_repositories br ON br.build_id = l.linked_build_id
                    WHERE l.build_id = cur.build_id AND br.platform_id = cur.platform_id AND br.arch = cur.repo_arch AND br.kind IN \(BuildRepositoryKind.sqlList(BuildRepositoryKind.installable))
                    UNION ALL
                    SELECT rp.name, rp.url, 10, NOT rp.debug, 2, 0, rp.id
                    FROM platform_repositories pr JOIN repositories rp ON rp.id = pr.repository_id
                    WHERE pr.platform_id = cur.platform_id AND rp.arch = cur.repo_arch AND rp.type <> \(ArtifactType.buildLog.sql)
                    UNION ALL
                    SELECT rp.name, rp.url, 10, NOT rp.debug, 3, bf.position, rp.id
                    FROM build_platform_flavors bf
                    JOIN platform_flavor_repositories fr ON fr.flavor_id = bf.flavor_id
                    JOIN repositories rp ON rp.id = fr.repository_id
                    WHERE bf.build_id = cur.build_id AND rp.arch = cur.repo_arch AND rp.type <> \(ArtifactType.buildLog.sql)
                ) x), '[]'::jsonb)
        """

    static let claimSQL = claimedCTE.replacingOccurrences(of: "%EXCLUDE%", with: "") + answerSelect
    static let claimExcludingSQL =
        claimedCTE.replacingOccurrences(
            of: "%EXCLUDE%",
            with: "AND NOT EXISTS (SELECT 1 FROM unnest($5::text[]) AS e(name) WHERE strpos(exclude_key, e.name) > 0)")
        + answerSelect
}
