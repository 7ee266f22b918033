import Foundation
import Logging
import PostgresNIO
import Statuses

/// The reconcile audit trail (`reconcile_runs`) and the lock that keeps one reconciler
/// running at a time across processes.
///
///     let ran = try await runs.withReconcileLock { /* plan + apply */ }
///     if ran == nil { print("skipped: another reconcile is running") }
package struct ReconcileRunStore: Sendable {
    /// The `pg_try_advisory_lock` key of the reconciler ("KILN" + 1).
    package static let lockKey: Int64 = 0x4B49_4C4E_0001

    package let client: PostgresClient
    package let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.reconcile-runs")) {
        self.client = client
        self.logger = logger
    }

    /// Runs `body` while holding the reconcile advisory lock on a dedicated connection; returns
    /// nil without running it when another session holds the lock.
    package func withReconcileLock<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
        let logger = self.logger
        let key = Self.lockKey
        return try await client.withConnection { conn -> T? in
            var holder: Int32?
            for try await (locked, pid) in try await conn.query(
                "SELECT pg_try_advisory_lock(\(key)), pg_backend_pid()", logger: logger
            ).decode((Bool, Int32).self) where locked {
                holder = pid
            }
            guard let holder else { return nil }
            do {
                let value = try await Self.$lockHolder.withValue(holder) { try await body() }
                _ = try? await conn.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                return value
            } catch {
                _ = try? await conn.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                throw error
            }
        }
    }

    /// The backend pid of the session holding the reconcile lock, inside `withReconcileLock`.
    @TaskLocal static var lockHolder: Int32?

    /// Records the start of a run; returns its id.
    package func start(trigger: String, commitSHA: String?) async throws -> Int64 {
        let rows = try await client.query(
            """
            INSERT INTO reconcile_runs (trigger, commit_sha, owner_pid)
            VALUES (\(trigger), \(commitSHA), \(Self.lockHolder)) RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw ReconcileRunStoreError.noRowReturned
    }

    /// Records how a run ended.
    package func finish(
        id: Int64, commitSHA: String?, planJSON: String?, result: ReconcileRunResult, errors: [String],
        durationMS: Int
    ) async throws {
        let errorsJSON = String(decoding: try JSONEncoder().encode(errors), as: UTF8.self)
        try await client.query(
            """
            UPDATE reconcile_runs SET finished_at = now(), commit_sha = coalesce(\(commitSHA), commit_sha),
              plan = \(planJSON)::jsonb, result = \(result.rawValue), errors = \(errorsJSON)::jsonb,
              duration_ms = \(durationMS) WHERE id = \(id)
            """, logger: logger)
    }

    /// Marks runs left `running` by an owner that is gone as `failed`, with `cause` as their error;
    /// returns their ids. Call it only while holding the reconcile lock (`withReconcileLock`).
    ///
    /// Why that is safe with several Kiln processes on one database: a run row is written
    /// `running` only by a process holding the session-level advisory lock, and the lock dies
    /// with its session (process killed, connection lost). So a caller holding the lock knows no
    /// other run is going: a `running` row owned by another session (`owner_pid`, the lock
    /// holder's backend pid when it started) is dead at once. `recordFailure` writes its row
    /// outside the lock (no owner) and finishes it moments later: ownerless rows younger than
    /// `grace` are left alone for that.
    @discardableResult
    package func failInterruptedRuns(cause: String, grace: Duration = .seconds(10)) async throws -> [Int64] {
        let errorsJSON = String(decoding: try JSONEncoder().encode([cause]), as: UTF8.self)
        let graceMS = Int(grace.components.seconds * 1000 + grace.components.attoseconds / 1_000_000_000_000_000)
        let rows = try await client.query(
            """
            UPDATE reconcile_runs SET result = \(ReconcileRunResult.failed.rawValue), finished_at = now(),
              errors = errors || \(errorsJSON)::jsonb,
              duration_ms = LEAST(EXTRACT(EPOCH FROM now() - started_at) * 1000, 2147483647)::integer
            WHERE result = \(ReconcileRunResult.running.rawValue)
              AND CASE WHEN owner_pid IS NULL
                       THEN started_at < now() - make_interval(secs => \(graceMS)::double precision / 1000)
                       ELSE \(Self.lockHolder)::integer IS NOT NULL AND owner_pid <> \(Self.lockHolder) END
            RETURNING id
            """, logger: logger)
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        if !ids.isEmpty { logger.warning("reconcile runs \(ids) were left running: marked failed (\(cause))") }
        return ids
    }

    /// Marks one run `failed` with `errors`, if it is still `running` (a run whose end could not
    /// be written, e.g. because the database went away); returns whether it was.
    @discardableResult
    package func failRun(id: Int64, errors: [String]) async throws -> Bool {
        let errorsJSON = String(decoding: try JSONEncoder().encode(errors), as: UTF8.self)
        let rows = try await client.query(
            """
            UPDATE reconcile_runs SET result = \(ReconcileRunResult.failed.rawValue), finished_at = now(),
              errors = errors || \(errorsJSON)::jsonb,
              duration_ms = LEAST(EXTRACT(EPOCH FROM now() - started_at) * 1000, 2147483647)::integer
            WHERE id = \(id) AND result = \(ReconcileRunResult.running.rawValue) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// Records a run that did not happen (`skipped`) in one statement.
    package func recordSkipped(trigger: String, commitSHA: String?, reason: String) async throws -> Int64 {
        let errorsJSON = String(decoding: try JSONEncoder().encode([reason]), as: UTF8.self)
        let rows = try await client.query(
            """
            INSERT INTO reconcile_runs (trigger, commit_sha, result, errors, finished_at, duration_ms)
            VALUES (\(trigger), \(commitSHA), \(ReconcileRunResult.skipped.rawValue), \(errorsJSON)::jsonb, now(), 0) RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw ReconcileRunStoreError.noRowReturned
    }
}

/// A statement that must return a row returned none.
package enum ReconcileRunStoreError: Error, Sendable {
    case noRowReturned
}
