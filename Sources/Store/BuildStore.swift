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

    /// Creates the build, one task per platform × arch × ref, and the dependencies that keep
    /// order: a task of index i waits for every task of index i-1 of its platform, and tasks of
    /// index 0 wait for the unfinished tasks of linked builds on the same platform.
    /// The request's shape (non-empty lists, no repeats) is the caller's to check; this refuses
    /// (`invalid`) unknown platforms, arches and linked builds.
    package func create(_ request: BuildRequest) async throws -> Int64 {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger, statementTimeout: statementTimeout) { connection in
            // Platforms and their arch lists.
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
                for arch in platform.archList where !arches.contains(arch) {
                    throw BuildStoreError.invalid(
                        "Unknown arch \(arch) for platform \(platform.name) (its arches: \(arches.joined(separator: ", ")))"
                    )
                }
                platformIDs.append(id)
            }
            let unfinished = BuildTaskStatus.unfinished.map(\.rawValue)
            // Linked builds must exist; lock their unfinished tasks so none finishes unseen.
            let linked = Array(Set(request.linkedBuilds)).sorted()
            if !linked.isEmpty {
                var found = Set<Int64>()
                for try await id in try await connection.query(
                    "SELECT id FROM builds WHERE id = ANY(\(linked))", logger: logger
                ).decode(Int64.self) { found.insert(id) }
                if let missing = linked.first(where: { !found.contains($0) }) {
                    throw BuildStoreError.invalid("Unknown linked build: \(missing)")
                }
                try await connection.query(
                    "SELECT id FROM build_tasks WHERE build_id = ANY(\(linked)) AND status = ANY(\(unfinished)) FOR SHARE",
                    logger: logger)
            }
            var buildID: Int64 = 0
            for try await id in try await connection.query(
                "INSERT INTO builds (created_by) VALUES (\(request.createdBy)) RETURNING id", logger: logger
            ).decode(Int64.self) { buildID = id }
            if !linked.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO build_links (build_id, linked_build_id) SELECT \(buildID), unnest(\(linked)::bigint[])
                    """, logger: logger)
            }
            // Refs, in order.
            var refIDs: [Int64] = []
            for ref in request.refs {
                for try await id in try await connection.query(
                    """
                    INSERT INTO build_task_refs (url, git_ref, ref_type, git_commit_hash)
                    VALUES (\(ref.url), \(ref.gitRef), \(ref.refType.rawValue), \(ref.gitCommitHash)) RETURNING id
                    """, logger: logger
                ).decode(Int64.self) { refIDs.append(id) }
            }
            // Tasks: platform-major, then index, then arch in the request's order.
            var tPlatform: [Int64] = []
            var tRef: [Int64] = []
            var tArch: [String] = []
            var tIndex: [Int32] = []
            var tPackage: [String] = []
            for (p, platform) in request.platforms.enumerated() {
                for (index, ref) in request.refs.enumerated() {
                    for arch in platform.archList {
                        tPlatform.append(platformIDs[p])
                        tRef.append(refIDs[index])
                        tArch.append(arch)
                        tIndex.append(Int32(index))
                        tPackage.append(ref.packageName)
                    }
                }
            }
            // Tasks are inserted with a placeholder pending count so none is claimable before
            // its dependencies exist; the count is set once they do.
            try await connection.query(
                """
                INSERT INTO build_tasks (build_id, platform_id, ref_id, arch, index, package_name, pending_deps, is_secure_boot)
                SELECT \(buildID), u.platform_id, u.ref_id, u.arch, u.idx, u.package, 1, \(request.isSecureBoot)
                FROM unnest(\(tPlatform)::bigint[], \(tRef)::bigint[], \(tArch)::text[], \(tIndex)::int[], \(tPackage)::text[])
                     WITH ORDINALITY AS u(platform_id, ref_id, arch, idx, package, ord)
                ORDER BY u.ord
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO build_task_dependencies (task_id, depends_on_id)
                SELECT t.id, d.id FROM build_tasks t
                JOIN build_tasks d ON d.build_id = t.build_id AND d.platform_id = t.platform_id AND d.index = t.index - 1
                WHERE t.build_id = \(buildID)
                """, logger: logger)
            if !linked.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO build_task_dependencies (task_id, depends_on_id)
                    SELECT t.id, d.id FROM build_tasks t
                    JOIN build_tasks d ON d.build_id = ANY(\(linked)) AND d.platform_id = t.platform_id AND d.status = ANY(\(unfinished))
                    WHERE t.build_id = \(buildID) AND t.index = 0
                    """, logger: logger)
            }
            try await recountPendingDependencies(buildID: buildID, connection: connection, logger: logger)
            return buildID
        }
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
                       ts = NULL, started_at = NULL, finished_at = NULL, swept_node = NULL, result_recorded_at = NULL
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
