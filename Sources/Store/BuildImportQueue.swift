import Foundation
import Logging
import PostgresNIO
import Statuses

/// A recorded result waiting for its artifacts to be imported, as one worker claimed it.
package struct ImportJob: Sendable, Equatable {
    package var task: HeldTask
    package var finish: TaskFinish
    /// The artifact list as the node sent it (JSON text, validated before it was recorded).
    package var artifactsJSON: String
    /// Claims so far, this one included.
    package var attempts: Int
    /// Fences this claim: only the newest claim of a job can complete it.
    package var claimToken: UUID
}

/// The durable queue behind `build_done` (`build_imports`, migration 0023): `record` stores the
/// node's result and answers at once; workers `claim` jobs (FOR UPDATE SKIP LOCKED, so several
/// Kiln processes share them), import the artifacts with no lock held, and `complete` writes
/// the final state exactly as `BuildStore.finish` does, or `retry` after a back-off. A claim
/// holds a job for `lease` seconds: a job whose worker died is due again once it lapses.
/// Job times are PostgreSQL's `now()` (shared by every process).
///
///     let queue = BuildImportQueue(client: client)
///     if try await queue.record(finish, artifactsJSON: json) == .recorded { /* a worker imports it */ }
package struct BuildImportQueue: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.imports")) {
        self.client = client
        self.logger = logger
    }

    /// What `record` did.
    package enum RecordOutcome: Sendable, Equatable {
        /// The result is recorded and a job queued.
        case recorded
        /// The same node's result was already recorded (its earlier answer was lost): nothing changed.
        case alreadyRecorded
        /// The task was cancelled while the node held it: the result is not kept, nothing changed.
        case ignored
    }

    /// Records `finish` and the node's artifact list in one short transaction (no network call):
    /// the task is held by the node (or was, and no other node claimed it since the sweep took it
    /// back), it stays `started` with `result_recorded_at` set, and a pending job is queued.
    /// Unknown task: notFound; not started, finished, or held by another node: conflict.
    /// `statsJSON` (the node's `stats` object) is kept in `build_tasks.performance_stats` as
    /// `{"build_node_stats": stats, "build_done_stats": {}}` (ALBS's `statistics` shape);
    /// `complete` adds the import's timing under `build_done_stats`.
    package func record(
        _ finish: TaskFinish, artifactsJSON: String, statsJSON: String? = nil
    ) async throws -> RecordOutcome {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            // The task (locked) and its job, if any, in one round trip.
            var found: (Int16, String?, String?, Date?, String?)?
            for try await row in try await connection.query(
                """
                SELECT t.status, t.node, t.swept_node, t.result_recorded_at, j.node FROM build_tasks t
                LEFT JOIN build_imports j ON j.task_id = t.id
                WHERE t.id = \(finish.taskID) FOR UPDATE OF t
                """, logger: logger
            ).decode((Int16, String?, String?, Date?, String?).self) { found = row }
            guard let (rawStatus, node, sweptNode, recordedAt, jobNode) = found else {
                throw BuildStoreError.notFound("Task \(finish.taskID) not found")
            }
            let status = BuildTaskStatus(rawValue: rawStatus)
            let jobIsCurrent = (status == .started && recordedAt != nil) || (status != .started && status != .idle)
            if let jobNode, jobIsCurrent {
                guard jobNode == finish.node else {
                    throw BuildStoreError.conflict("Task \(finish.taskID) is already finished")
                }
                return .alreadyRecorded
            }
            if status == .cancelled, finish.node == node || finish.node == sweptNode { return .ignored }
            switch status {
            case .idle:
                guard sweptNode == finish.node else {
                    throw BuildStoreError.conflict("Task \(finish.taskID) is not started")
                }
            case .started:
                guard node == finish.node else {
                    throw BuildStoreError.conflict("Task \(finish.taskID) is not held by node \(finish.node)")
                }
            default: throw BuildStoreError.conflict("Task \(finish.taskID) is already finished")
            }
            // The task's recorded state and the job row, in one statement.
            try await connection.query(
                """
                WITH task AS (
                    UPDATE build_tasks SET status = \(BuildTaskStatus.started.rawValue), node = \(finish.node),
                           swept_node = NULL, result_recorded_at = now(),
                           performance_stats = jsonb_build_object(
                               'build_node_stats', coalesce(\(statsJSON)::jsonb, '{}'::jsonb),
                               'build_done_stats', '{}'::jsonb)
                    WHERE id = \(finish.taskID) RETURNING id
                )
                INSERT INTO build_imports (task_id, node, outcome, git_commit_hash, alma_commit_cas_hash,
                                           is_cas_authenticated, artifacts)
                SELECT task.id, \(finish.node), \(finish.outcome.rawValue), \(finish.gitCommitHash),
                       \(finish.almaCommitCasHash), \(finish.isCasAuthenticated), \(artifactsJSON)::jsonb
                FROM task
                ON CONFLICT (task_id) DO UPDATE SET node = EXCLUDED.node, outcome = EXCLUDED.outcome,
                    git_commit_hash = EXCLUDED.git_commit_hash, alma_commit_cas_hash = EXCLUDED.alma_commit_cas_hash,
                    is_cas_authenticated = EXCLUDED.is_cas_authenticated, artifacts = EXCLUDED.artifacts,
                    state = 'pending', attempts = 0, due_at = now(), claim_token = NULL, claimed_at = NULL,
                    last_error = NULL, created_at = now(), finished_at = NULL
                """, logger: logger)
            return .recorded
        }
    }

    /// Claims the pending job that is due first, holding it for `lease` seconds; nil when none is due.
    package func claim(lease: Double) async throws -> ImportJob? {
        let token = UUID()
        let rows = try await client.query(
            """
            WITH due AS (
                SELECT task_id FROM build_imports WHERE state = 'pending' AND due_at <= now()
                ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE build_imports i SET claim_token = \(token), claimed_at = now(), attempts = i.attempts + 1,
                       due_at = now() + make_interval(secs => \(lease))
                FROM due WHERE i.task_id = due.task_id
                RETURNING i.*
            )
            SELECT c.task_id, c.node, c.outcome, c.git_commit_hash, c.alma_commit_cas_hash, c.is_cas_authenticated,
                   c.artifacts::text, c.attempts, t.build_id, t.platform_id, p.name, t.arch, t.index, t.package_name,
                   p.arch_list::text
            FROM claimed c JOIN build_tasks t ON t.id = c.task_id JOIN platforms p ON p.id = t.platform_id
            """, logger: logger)
        for try await row in rows {
            let c = row.makeRandomAccess()
            let taskID = try c[0].decode(Int64.self)
            let rawOutcome = try c[2].decode(String.self)
            let outcome = try StoredValue.decode(BuildTaskOutcome.self, rawOutcome, column: "build_imports.outcome")
            let task = HeldTask(
                id: taskID, buildID: try c[8].decode(Int64.self), platformID: try c[9].decode(Int64.self),
                platformName: try c[10].decode(String.self),
                platformArches: decodeStringArray(try c[14].decode(String.self)), arch: try c[11].decode(String.self),
                index: Int(try c[12].decode(Int32.self)), packageName: try c[13].decode(String.self))
            let finish = TaskFinish(
                taskID: taskID, node: try c[1].decode(String.self), outcome: outcome,
                gitCommitHash: try c[3].decode(String?.self), almaCommitCasHash: try c[4].decode(String?.self),
                isCasAuthenticated: try c[5].decode(Bool.self))
            return ImportJob(
                task: task, finish: finish, artifactsJSON: try c[6].decode(String.self),
                attempts: Int(try c[7].decode(Int32.self)), claimToken: token)
        }
        return nil
    }

    /// Writes the job's final state in one transaction — artifacts, status, released dependents,
    /// test task, build finished_at (as `BuildStore.finish`) — and marks the job done. Returns
    /// false and changes nothing when the claim is no longer the job's current one (its lease
    /// lapsed and another worker took it): each result is written exactly once.
    /// With `failure`, the artifacts were refused for good (unknown, wrong checksum, not a
    /// package): the task fails with that message and no artifacts, instead of retrying forever.
    @discardableResult
    package func complete(_ job: ImportJob, artifacts: [ArtifactRecord], failure: String? = nil) async throws -> Bool {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            // Task row first, then the job row: the order `record` takes them in.
            var task: (Int16, String?)?
            for try await row in try await connection.query(
                "SELECT status, node FROM build_tasks WHERE id = \(job.task.id) FOR UPDATE", logger: logger
            ).decode((Int16, String?).self) { task = row }
            var current = false
            for try await _ in try await connection.query(
                """
                SELECT task_id FROM build_imports
                WHERE task_id = \(job.task.id) AND claim_token = \(job.claimToken) AND state = 'pending' FOR UPDATE
                """, logger: logger
            ).decode(Int64.self) { current = true }
            guard current else { return false }
            if let (status, node) = task, status == BuildTaskStatus.started.rawValue, node == job.finish.node {
                var finish = job.finish
                if failure != nil { finish.outcome = .failed }
                try await writeFinish(
                    on: connection, finish, buildID: job.task.buildID, packageName: job.task.packageName,
                    arch: job.task.arch, artifacts: failure == nil ? artifacts : [], logger: logger)
                if let failure {
                    try await connection.query(
                        "UPDATE build_tasks SET error = \(failure) WHERE id = \(job.task.id)", logger: logger)
                }
                try await recordImportTiming(on: connection, taskID: job.task.id)
            }
            try await connection.query(
                """
                UPDATE build_imports SET state = 'done', finished_at = now(), claim_token = NULL, last_error = NULL
                WHERE task_id = \(job.task.id)
                """, logger: logger)
            return true
        }
    }

    /// Adds `build_done_stats.build_done` (`start_ts`: when the result was recorded, `end_ts`:
    /// now, `delta`: seconds between) to the task's `performance_stats`, as ALBS times its
    /// `build_done` processing.
    private func recordImportTiming(on connection: PostgresConnection, taskID: Int64) async throws {
        try await connection.query(
            """
            UPDATE build_tasks t SET performance_stats = jsonb_set(
                coalesce(t.performance_stats, '{"build_node_stats": {}}'::jsonb), '{build_done_stats}',
                coalesce(t.performance_stats -> 'build_done_stats', '{}'::jsonb) || jsonb_build_object('build_done',
                    jsonb_build_object('start_ts', j.created_at::text, 'end_ts', now()::text,
                                       'delta', (extract(epoch FROM now() - j.created_at))::text)))
            FROM build_imports j WHERE t.id = \(taskID) AND j.task_id = t.id
            """, logger: logger)
    }

    /// Extends the claim's lease by `lease` seconds from now while its import runs (a slow store
    /// must not let another worker take the job and import it again); false when the claim is
    /// no longer the job's current one.
    @discardableResult
    package func extend(_ job: ImportJob, lease: Double) async throws -> Bool {
        var extended = false
        for try await _ in try await client.query(
            """
            UPDATE build_imports SET due_at = now() + make_interval(secs => \(lease))
            WHERE task_id = \(job.task.id) AND claim_token = \(job.claimToken) AND state = 'pending'
            RETURNING task_id
            """, logger: logger
        ).decode(Int64.self) { extended = true }
        return extended
    }

    /// Gives the job back after a failed attempt: due again in `delay` seconds, `error` kept.
    package func retry(_ job: ImportJob, error: String, delay: Double) async throws {
        try await client.query(
            """
            UPDATE build_imports SET due_at = now() + make_interval(secs => \(delay)), claim_token = NULL,
                   last_error = \(String(error.prefix(2000)))
            WHERE task_id = \(job.task.id) AND claim_token = \(job.claimToken) AND state = 'pending'
            """, logger: logger)
    }

    /// Pending jobs (for `/health`-style reports and tests).
    package func pendingCount() async throws -> Int {
        for try await count in try await client.query(
            "SELECT count(*) FROM build_imports WHERE state = 'pending'", logger: logger
        ).decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Whether the task's recorded result still waits for its import.
    package func isPending(taskID: Int64) async throws -> Bool {
        for try await _ in try await client.query(
            "SELECT 1 FROM build_imports WHERE task_id = \(taskID) AND state = 'pending'", logger: logger
        ).decode(Int32.self) { return true }
        return false
    }
}
