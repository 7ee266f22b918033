import Foundation
import Logging
import PostgresNIO
import Statuses

/// Builds in PostgreSQL: create (tasks + dependencies), read as typed rows, restart failed
/// tasks, delete. Task claims live in `TaskClaims`, results in `BuildStore+Finish`.
///
///     let store = BuildStore(client: client)
///     let id = try await store.create(request)
package struct BuildStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// The statement timeout of every write transaction (nil: PostgreSQL's own setting).
    let statementTimeout: Duration?

    package init(
        client: PostgresClient, logger: Logger = Logger(label: "kiln.store.builds"), statementTimeout: Duration? = nil
    ) {
        self.client = client
        self.logger = logger
        self.statementTimeout = statementTimeout
    }

    /// Creates the build: per platform and ref (its index), one `src` task and one task per arch.
    /// Order: the arch tasks of a ref wait for its `src` task (they build from the source RPM it
    /// made, as in ALBS); every task of index i waits for every task of index i-1 of its
    /// platform, and the `src` tasks of index 0 for the unfinished tasks of linked builds on it.
    /// Set-based and linear in the build's own size: ids are drawn from the sequences first, so
    /// refs, tasks (with `pending_deps` already counted) and dependencies are one statement each,
    /// and no statement reads another build's tasks (linked builds' unfinished tasks aside).
    /// The request's shape (non-empty lists, no repeats) is the caller's to check; this refuses
    /// (`invalid`) unknown platforms, arches, flavors and linked builds.
    package func create(_ request: BuildRequest) async throws -> Int64 {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger, statementTimeout: statementTimeout) { connection in
            let platformIDs = try await Self.checkPlatforms(request, connection: connection, logger: logger)
            try await Self.checkFlavors(request.platformFlavorIDs, connection: connection, logger: logger)
            let unfinished = BuildTaskStatus.unfinished.map(\.rawValue)
            // Linked builds must exist; lock their unfinished tasks so none finishes unseen, and
            // count them per platform (the pending count of the new index-0 `src` tasks).
            let linked = Array(Set(request.linkedBuilds)).sorted()
            var linkedPending: [Int64: Int32] = [:]
            if !linked.isEmpty {
                var found = Set<Int64>()
                for try await id in try await connection.query(
                    "SELECT id FROM builds WHERE id = ANY(\(linked))", logger: logger
                ).decode(Int64.self) { found.insert(id) }
                if let missing = linked.first(where: { !found.contains($0) }) {
                    throw BuildStoreError.invalid("Unknown linked build: \(missing)")
                }
                for try await platformID in try await connection.query(
                    """
                    SELECT platform_id FROM build_tasks WHERE build_id = ANY(\(linked)) AND status = ANY(\(unfinished))
                    FOR SHARE
                    """, logger: logger
                ).decode(Int64.self) { linkedPending[platformID, default: 0] += 1 }
            }
            var buildID: Int64 = 0
            for try await id in try await connection.query(
                """
                INSERT INTO builds (created_by, mock_options, product_id, parallel_mode_enabled, skip_tests)
                VALUES (\(request.createdBy), \(request.mockOptionsJSON)::jsonb, \(request.productID),
                        \(request.parallelModeEnabled), \(request.skipTests))
                RETURNING id
                """, logger: logger
            ).decode(Int64.self) { buildID = id }
            if !linked.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO build_links (build_id, linked_build_id) SELECT \(buildID), unnest(\(linked)::bigint[])
                    """, logger: logger)
            }
            if !request.platformFlavorIDs.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO build_platform_flavors (build_id, flavor_id, position)
                    SELECT \(buildID), u.id, u.ord - 1
                    FROM unnest(\(request.platformFlavorIDs)::bigint[]) WITH ORDINALITY AS u(id, ord)
                    """, logger: logger)
            }
            // Refs, in one statement, with ids drawn first (so the i-th id is ref i's).
            let refIDs = try await Self.nextIDs(
                "build_task_refs_id_seq", count: request.refs.count, connection: connection, logger: logger)
            let refs = request.refs
            try await connection.query(
                """
                INSERT INTO build_task_refs (id, url, git_ref, ref_type, git_commit_hash, mock_options, test_configuration)
                SELECT u.id, u.url, NULLIF(u.git_ref, ''), u.ref_type, NULLIF(u.hash, ''),
                       NULLIF(u.mock, '')::jsonb, NULLIF(u.test, '')::jsonb
                FROM unnest(\(refIDs)::bigint[], \(refs.map(\.url))::text[], \(refs.map { $0.gitRef ?? "" })::text[],
                            \(refs.map(\.refType.rawValue))::smallint[], \(refs.map { $0.gitCommitHash ?? "" })::text[],
                            \(refs.map { $0.mockOptionsJSON ?? "" })::text[],
                            \(refs.map { $0.testConfigurationJSON ?? "" })::text[])
                     AS u(id, url, git_ref, ref_type, hash, mock, test)
                """, logger: logger)
            // Tasks: platform-major, then index, then `src` and the arches in the request's order;
            // each with its pending count: a task of index i > 0 waits for the 1 + arches tasks of
            // index i-1, an arch task also for its `src` task, a `src` task of index 0 for the
            // linked builds' unfinished tasks.
            let plan = BuildTaskPlan(request: request, platformIDs: platformIDs, refIDs: refIDs, linked: linkedPending)
            let taskIDs = try await Self.nextIDs(
                "build_tasks_id_seq", count: plan.count, connection: connection, logger: logger)
            try await connection.query(
                """
                WITH t AS MATERIALIZED (
                    SELECT * FROM unnest(\(taskIDs)::bigint[], \(plan.platform)::bigint[], \(plan.ref)::bigint[],
                                         \(plan.arch)::text[], \(plan.index)::int[], \(plan.pending)::int[])
                         AS u(id, platform_id, ref_id, arch, idx, pending)
                ), refs AS (
                    SELECT * FROM unnest(\(refIDs)::bigint[], \(refs.map(\.packageName))::text[],
                                         \(refs.map(\.excludeKey))::text[], \(refs.map { $0.mockOptionsJSON ?? "" })::text[])
                         AS r(id, package, exclude_key, mock)
                ), tasks AS (
                    INSERT INTO build_tasks (id, build_id, platform_id, ref_id, arch, index, package_name, exclude_key,
                                             pending_deps, is_secure_boot, mock_options)
                    SELECT t.id, \(buildID), t.platform_id, t.ref_id, t.arch, t.idx, r.package, r.exclude_key, t.pending,
                           \(request.isSecureBoot), NULLIF(r.mock, '')::jsonb
                    FROM t JOIN refs r ON r.id = t.ref_id
                    ORDER BY t.id
                    RETURNING id
                )
                INSERT INTO build_task_dependencies (task_id, depends_on_id)
                SELECT t.id, d.id FROM t JOIN t d ON d.platform_id = t.platform_id AND d.idx = t.idx - 1
                UNION ALL
                SELECT t.id, d.id FROM t JOIN t d ON d.platform_id = t.platform_id AND d.idx = t.idx
                    AND d.arch = \(BuildRequest.sourceArch)
                WHERE t.arch <> \(BuildRequest.sourceArch)
                """, logger: logger)
            if !linked.isEmpty {
                let firstSources = plan.firstSourceTasks(ids: taskIDs)
                try await connection.query(
                    """
                    INSERT INTO build_task_dependencies (task_id, depends_on_id)
                    SELECT s.id, d.id FROM unnest(\(firstSources.map(\.id))::bigint[], \(firstSources.map(\.platform))::bigint[])
                         AS s(id, platform_id)
                    JOIN build_tasks d ON d.build_id = ANY(\(linked)) AND d.platform_id = s.platform_id
                        AND d.status = ANY(\(unfinished))
                    """, logger: logger)
            }
            return buildID
        }
    }

    /// The platforms' ids (in request order), refusing unknown platforms and arches.
    static func checkPlatforms(
        _ request: BuildRequest, connection: PostgresConnection, logger: Logger
    ) async throws -> [Int64] {
        let names = request.platforms.map(\.name)
        var known: [String: (Int64, [String])] = [:]
        let rows = try await connection.query(
            "SELECT id, name, arch_list::text FROM platforms WHERE name = ANY(\(names))", logger: logger)
        for try await (id, name, archJSON) in rows.decode((Int64, String, String).self) {
            known[name] = (id, decodeStringArray(archJSON))
        }
        var platformIDs: [Int64] = []
        for platform in request.platforms {
            guard let (id, arches) = known[platform.name] else {
                throw BuildStoreError.invalid("Unknown platform: \(platform.name)")
            }
            for arch in platform.archList where arch != BuildRequest.sourceArch && !arches.contains(arch) {
                throw BuildStoreError.invalid(
                    "Unknown arch \(arch) for platform \(platform.name) (its arches: \(arches.joined(separator: ", ")))"
                )
            }
            platformIDs.append(id)
        }
        return platformIDs
    }

    /// Refuses (`invalid`) the first flavor id that names no platform flavor.
    static func checkFlavors(_ ids: [Int64], connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        var found = Set<Int64>()
        for try await id in try await connection.query(
            "SELECT id FROM platform_flavors WHERE id = ANY(\(ids))", logger: logger
        ).decode(Int64.self) { found.insert(id) }
        if let missing = ids.first(where: { !found.contains($0) }) {
            throw BuildStoreError.invalid("Unknown platform flavor: \(missing)")
        }
    }

    /// `count` fresh values of `sequence`, ascending.
    static func nextIDs(
        _ sequence: String, count: Int, connection: PostgresConnection, logger: Logger
    ) async throws -> [Int64] {
        var ids: [Int64] = []
        ids.reserveCapacity(count)
        for try await id in try await connection.query(
            "SELECT nextval(\(sequence)::regclass) FROM generate_series(1, \(count))", logger: logger
        ).decode(Int64.self) { ids.append(id) }
        return ids.sorted()
    }

    /// Puts the build's failed tasks back to idle (attempts, error and artifacts cleared) and
    /// recomputes every idle task's pending dependencies, so a restarted task again waits for
    /// restarted tasks of earlier indexes. With `parallel` (ALBS `parallel-restart-failed`) the
    /// restarted tasks no longer wait for tasks of other indexes of the build
    /// (`dropOrderingBetweenIndexes`). Returns the restarted task ids.
    @discardableResult
    package func restartFailed(buildID: Int64, parallel: Bool = false) async throws -> [Int64] {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger, statementTimeout: statementTimeout) { connection in
            var exists = false
            for try await _ in try await connection.query(
                "SELECT id FROM builds WHERE id = \(buildID) FOR UPDATE", logger: logger
            ).decode(Int64.self) { exists = true }
            guard exists else { throw BuildStoreError.notFound("Build \(buildID) not found") }
            var restarted: [Int64] = []
            for try await id in try await connection.query(
                """
                UPDATE build_tasks SET status = \(BuildTaskStatus.idle.rawValue), attempts = 0, error = NULL, node = NULL,
                       ts = NULL, started_at = NULL, finished_at = NULL, swept_node = NULL, result_recorded_at = NULL,
                       performance_stats = NULL
                WHERE build_id = \(buildID) AND status = \(BuildTaskStatus.failed.rawValue) RETURNING id
                """, logger: logger
            ).decode(Int64.self) { restarted.append(id) }
            guard !restarted.isEmpty else { return [] }
            try await connection.query("DELETE FROM artifacts WHERE build_task_id = ANY(\(restarted))", logger: logger)
            try await connection.query("DELETE FROM test_tasks WHERE build_task_id = ANY(\(restarted))", logger: logger)
            try await connection.query("DELETE FROM build_imports WHERE task_id = ANY(\(restarted))", logger: logger)
            if parallel {
                try await dropOrderingBetweenIndexes(restarted: restarted, connection: connection, logger: logger)
            }
            try await recountPendingDependencies(buildID: buildID, connection: connection, logger: logger)
            try await connection.query("UPDATE builds SET finished_at = NULL WHERE id = \(buildID)", logger: logger)
            return restarted.sorted()
        }
    }

    /// Deletes the build, refusing (conflict) once anything of it is released or signed or a
    /// later build links it. With `requestedBy` set, only that user's own build may go (forbidden
    /// otherwise); nil (an admin) may delete any. Returns the names of its artifact-store
    /// repositories to delete.
    package func delete(buildID: Int64, requestedBy userID: Int64? = nil) async throws -> [String] {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger, statementTimeout: statementTimeout) { connection in
            var state: (Bool, Bool, Int64)?
            for try await row in try await connection.query(
                "SELECT released, signed, created_by FROM builds WHERE id = \(buildID) FOR UPDATE", logger: logger
            ).decode((Bool, Bool, Int64).self) { state = row }
            guard let (released, signed, createdBy) = state else {
                throw BuildStoreError.notFound("Build \(buildID) not found")
            }
            if let userID, userID != createdBy {
                throw BuildStoreError.forbidden("Only the build's creator or an admin can delete build \(buildID)")
            }
            if released { throw BuildStoreError.conflict("Build \(buildID) is released and cannot be deleted") }
            if signed { throw BuildStoreError.conflict("Build \(buildID) is signed and cannot be deleted") }
            let checks: [(String, String)] = [
                ("SELECT count(*) FROM release_builds WHERE build_id = $1", "is part of a release"),
                (
                    "SELECT count(*) FROM sign_tasks WHERE build_id = $1 AND status = \(SignTaskStatus.completed.sql)",
                    "has completed sign tasks"
                ),
                (
                    "SELECT count(*) FROM artifacts a JOIN build_tasks t ON t.id = a.build_task_id WHERE t.build_id = $1 AND a.signed",
                    "has signed artifacts"
                ),
                ("SELECT count(*) FROM build_links WHERE linked_build_id = $1", "is linked by another build")
            ]
            for (sql, reason) in checks {
                for try await count in try await connection.query(
                    PostgresQuery(unsafeSQL: sql, binds: Self.binds(buildID)), logger: logger
                ).decode(Int64.self) where count > 0 {
                    throw BuildStoreError.conflict("Build \(buildID) \(reason) and cannot be deleted")
                }
            }
            var repositories: [String] = []
            for try await name in try await connection.query(
                "SELECT name FROM build_repositories WHERE build_id = \(buildID) ORDER BY id", logger: logger
            ).decode(String.self) { repositories.append(name) }
            var refIDs: [Int64] = []
            for try await id in try await connection.query(
                "SELECT DISTINCT ref_id FROM build_tasks WHERE build_id = \(buildID)", logger: logger
            ).decode(Int64.self) { refIDs.append(id) }
            try await connection.query("DELETE FROM builds WHERE id = \(buildID)", logger: logger)
            try await connection.query(
                """
                DELETE FROM build_task_refs r WHERE r.id = ANY(\(refIDs))
                AND NOT EXISTS (SELECT 1 FROM build_tasks t WHERE t.ref_id = r.id)
                """, logger: logger)
            return repositories
        }
    }

    static func binds(_ id: Int64) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(id)
        return binds
    }
}

/// Sets `pending_deps` of every idle task of the build to the number of its unfinished dependencies.
func recountPendingDependencies(buildID: Int64, connection: PostgresConnection, logger: Logger) async throws {
    try await connection.query(
        """
        UPDATE build_tasks t SET pending_deps = (
            SELECT count(*) FROM build_task_dependencies d JOIN build_tasks x ON x.id = d.depends_on_id
            WHERE d.task_id = t.id AND x.status = ANY(\(BuildTaskStatus.unfinished.map(\.rawValue))))
        WHERE t.build_id = \(buildID) AND t.status = \(BuildTaskStatus.idle.rawValue)
        """, logger: logger)
}

/// Decodes a JSON array of strings (e.g. `arch_list::text`); anything else gives [].
func decodeStringArray(_ json: String) -> [String] {
    guard let data = json.data(using: .utf8),
        let array = try? JSONDecoder().decode([String].self, from: data)
    else { return [] }
    return array
}
