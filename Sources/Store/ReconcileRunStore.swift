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
            var got = false
            for try await locked in try await conn.query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
                .decode(Bool.self)
            { got = locked }
            guard got else { return nil }
            do {
                let value = try await body()
                _ = try? await conn.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                return value
            } catch {
                _ = try? await conn.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                throw error
            }
        }
    }

    /// Records the start of a run; returns its id.
    package func start(trigger: String, commitSHA: String?) async throws -> Int64 {
        let rows = try await client.query(
            """
            INSERT INTO reconcile_runs (trigger, commit_sha) VALUES (\(trigger), \(commitSHA)) RETURNING id
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
