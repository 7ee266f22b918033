import Logging
import PostgresNIO
import Statuses

/// A started task as its holder sees it while its result is recorded.
package struct HeldTask: Sendable, Equatable {
    package var id: Int64
    package var buildID: Int64
    package var platformID: Int64
    package var platformName: String
    /// The platform's arch_list (noarch packages go to every one of them).
    package var platformArches: [String]
    package var arch: String
    package var index: Int
    package var packageName: String
}

/// One artifact recorded for a task, after it is in the artifact store.
package struct ArtifactRecord: Sendable, Equatable {
    package var name: String
    package var type: ArtifactType
    /// The artifact store's href of the content.
    package var href: String
    package var sha256: String?
    package var path: String?
    package var casHash: String?
    /// RPM arch from the file name (`x86_64`, `noarch`, `src`); nil for logs.
    package var arch: String?
    /// Where a node downloads the imported file (the artifact store's content URL), when known.
    package var url: String?
    /// Name, epoch, version, release from the RPM header (stored for the build filters).
    package var rpm: RPMFields? = nil

    package init(
        name: String, type: ArtifactType, href: String, sha256: String?, path: String?, casHash: String?, arch: String?,
        url: String? = nil
    ) {
        self.url = url
        self.name = name
        self.type = type
        self.href = href
        self.sha256 = sha256
        self.path = path
        self.casHash = casHash
        self.arch = arch
    }
}

/// What a node reports besides artifacts.
package struct TaskFinish: Sendable, Equatable {
    package var taskID: Int64
    package var node: String
    package var outcome: BuildTaskOutcome
    package var gitCommitHash: String?
    package var almaCommitCasHash: String?
    package var isCasAuthenticated: Bool

    package init(
        taskID: Int64, node: String, outcome: BuildTaskOutcome, gitCommitHash: String? = nil,
        almaCommitCasHash: String? = nil, isCasAuthenticated: Bool = false
    ) {
        self.taskID = taskID
        self.node = node
        self.outcome = outcome
        self.gitCommitHash = gitCommitHash
        self.almaCommitCasHash = almaCommitCasHash
        self.isCasAuthenticated = isCasAuthenticated
    }
}

extension BuildStore {
    /// Records a task's result. The task row stays locked from the check to the commit:
    /// a task that is unknown (notFound), not started, finished, or held by another node
    /// (conflict) changes nothing; otherwise `importArtifacts` runs (it puts the files in the
    /// artifact store) and its records, the status, the released dependents and — for a
    /// completed task — its test task are written in one transaction.
    package func finish(
        _ finish: TaskFinish,
        importArtifacts: @Sendable (HeldTask) async throws -> [ArtifactRecord]
    ) async throws {
        let logger = self.logger
        try await buildTransaction(client, logger: logger, statementTimeout: statementTimeout) { connection in
            var found: (Int64, Int64, String, Int16, String?, String, Int32, String, String)?
            for try await row in try await connection.query(
                """
                SELECT t.build_id, t.platform_id, p.name, t.status, t.node, t.arch, t.index, t.package_name, p.arch_list::text
                FROM build_tasks t JOIN platforms p ON p.id = t.platform_id
                WHERE t.id = \(finish.taskID) FOR UPDATE OF t
                """, logger: logger
            ).decode((Int64, Int64, String, Int16, String?, String, Int32, String, String).self) {
                found = row
            }
            guard let (buildID, platformID, platformName, status, node, arch, index, package, archJSON) = found else {
                throw BuildStoreError.notFound("Task \(finish.taskID) not found")
            }
            switch BuildTaskStatus(rawValue: status) {
            case .idle: throw BuildStoreError.conflict("Task \(finish.taskID) is not started")
            case .started: break
            default: throw BuildStoreError.conflict("Task \(finish.taskID) is already finished")
            }
            guard node == finish.node else {
                throw BuildStoreError.conflict("Task \(finish.taskID) is not held by node \(finish.node)")
            }
            let held = HeldTask(
                id: finish.taskID, buildID: buildID, platformID: platformID, platformName: platformName,
                platformArches: decodeStringArray(archJSON), arch: arch, index: Int(index), packageName: package)
            let artifacts = try await importArtifacts(held)

            try await writeFinish(
                on: connection, finish, buildID: buildID, packageName: package, arch: arch, artifacts: artifacts,
                logger: logger)
        }
    }
}

/// Writes a task's final state on `connection` (inside the caller's transaction, task row
/// locked and checked): the status, ref hash, artifacts, released dependents, the test tasks
/// of a completed arch task (none for `src`, as ALBS), what a `src` task means for its arch tasks
/// (`finishSourceTask`), and the build's finished_at when this was its last unfinished task.
/// `BuildStore.finish` and the import queue (`BuildImportQueue.complete`) both end here.
func writeFinish(
    on connection: PostgresConnection, _ finish: TaskFinish, buildID: Int64, packageName package: String,
    arch: String, artifacts: [ArtifactRecord], logger: Logger
) async throws {
    // Finishes of one build are serialized on the build row (taken after the import, so
    // imports run in parallel): the "was this the last task?" check then sees the others.
    try await connection.query("SELECT id FROM builds WHERE id = \(buildID) FOR UPDATE", logger: logger)
    if arch == BuildRequest.sourceArch {
        try await finishSourceTask(on: connection, finish, artifacts: artifacts, logger: logger)
    }
    // Everything else in one statement: status, ref hash, artifacts, released dependents,
    // the test task, and the build's finished_at when this was its last unfinished task.
    try await connection.query(
        """
        WITH task AS (
            UPDATE build_tasks SET status = \(finish.outcome.status.rawValue), finished_at = now(), ts = NULL,
                   alma_commit_cas_hash = coalesce(\(finish.almaCommitCasHash), alma_commit_cas_hash),
                   is_cas_authenticated = \(finish.isCasAuthenticated)
            WHERE id = \(finish.taskID) RETURNING ref_id
        ), ref AS (
            UPDATE build_task_refs SET git_commit_hash = coalesce(\(finish.gitCommitHash), git_commit_hash)
            WHERE id = (SELECT ref_id FROM task) RETURNING id
        ), saved AS (
            INSERT INTO artifacts (build_task_id, name, type, href, sha256, path, cas_hash, arch)
            SELECT \(finish.taskID), u.name, u.type, u.href, NULLIF(u.sha256, ''), NULLIF(u.path, ''),
                   NULLIF(u.cas_hash, ''), NULLIF(u.arch, '')
            FROM unnest(
                \(artifacts.map(\.name))::text[], \(artifacts.map(\.type.rawValue))::text[], \(artifacts.map(\.href))::text[],
                \(artifacts.map { $0.sha256 ?? "" })::text[], \(artifacts.map { $0.path ?? "" })::text[],
                \(artifacts.map { $0.casHash ?? "" })::text[], \(artifacts.map { $0.arch ?? "" })::text[])
                WITH ORDINALITY AS u(name, type, href, sha256, path, cas_hash, arch, ord)
            ORDER BY u.ord
            RETURNING id
        ), released AS (
            UPDATE build_tasks d SET pending_deps = greatest(d.pending_deps - 1, 0)
            FROM build_task_dependencies x
            WHERE x.depends_on_id = \(finish.taskID) AND d.id = x.task_id AND d.status = \(BuildTaskStatus.idle.rawValue)
            RETURNING d.id
        )
        UPDATE builds SET finished_at = now() WHERE id = \(buildID)
        AND NOT EXISTS (SELECT 1 FROM build_tasks WHERE build_id = \(buildID) AND status = ANY(\(BuildTaskStatus.unfinished.map(\.rawValue))) AND id <> \(finish.taskID))
        """, logger: logger)
    try await storeRPMFields(on: connection, taskID: finish.taskID, artifacts: artifacts, logger: logger)
    // The test tasks of a completed arch task: one per binary RPM (after the RPM fields are stored).
    if finish.outcome == .done && arch != BuildRequest.sourceArch {
        try await TestTaskStore.addRevision(
            on: connection, taskIDs: [finish.taskID], honourSkip: true, logger: logger)
    }
}
