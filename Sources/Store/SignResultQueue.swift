import Foundation
import Logging
import PostgresNIO
import Statuses

/// The durable queue behind a sign node's `complete` (`sign_task_results`, migration 0040):
/// `record` stores the node's report and answers at once; workers `claim` results (FOR UPDATE
/// SKIP LOCKED, shared by every Kiln process), verify the signed packages with no lock held,
/// then `complete` (every package verified: the signed artifacts replace the unsigned ones)
/// or `fail` (nothing swapped) in one transaction, or `retry` after a back-off when the
/// artifact store is away. A claim holds a result for `lease` seconds, renewed while it runs.
package struct SignResultQueue: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.sign-results")) {
        self.client = client
        self.logger = logger
    }

    /// What `record` did.
    package enum RecordOutcome: Sendable, Equatable {
        /// A successful report is queued for verification.
        case queued
        /// The node reported a failure: the task failed with its message.
        case failed
        /// The same node's report of this claim was already recorded: nothing changed.
        case alreadyRecorded
    }

    /// Records `node`'s report of sign task `taskID` in one short transaction. Accepted from
    /// the node holding the task, or from the node whose lapsed lease put it back to idle while
    /// no other node claimed it since; a second report of the same claim by the same node is
    /// answered again. Unknown task: notFound; another node's task or a finished one: conflict;
    /// `buildID` not the task's: invalid. `packagesJSON`: the node's package list (validated),
    /// `statsJSON`: its `stats` object.
    package func record(
        taskID: Int64, buildID: Int64, node: String, success: Bool, errorMessage: String?,
        packagesJSON: String, statsJSON: String?
    ) async throws -> RecordOutcome {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            var found: (Int16, String?, Int64, String?)?
            for try await row in try await connection.query(
                """
                SELECT s.status, s.node_name, s.build_id, r.node_name FROM sign_tasks s
                LEFT JOIN sign_task_results r ON r.sign_task_id = s.id
                WHERE s.id = \(taskID) FOR UPDATE OF s
                """, logger: logger
            ).decode((Int16, String?, Int64, String?).self) { found = row }
            guard let (rawStatus, holder, taskBuild, reportedBy) = found else {
                throw BuildStoreError.notFound("Sign task \(taskID) not found")
            }
            guard taskBuild == buildID else {
                throw BuildStoreError.invalid("Sign task \(taskID) belongs to build \(taskBuild), not \(buildID)")
            }
            if let reportedBy {
                guard reportedBy == node else {
                    throw BuildStoreError.conflict("Sign task \(taskID) was already reported by another sign node")
                }
                return .alreadyRecorded
            }
            let status = SignTaskStatus(rawValue: rawStatus)
            switch status {
            case .inProgress, .idle:
                guard holder == node else {
                    throw BuildStoreError.conflict(
                        status == .idle
                            ? "Sign task \(taskID) is not started"
                            : "Sign task \(taskID) is held by another sign node, not \(node)")
                }
            default:
                throw BuildStoreError.conflict("Sign task \(taskID) is already finished")
            }
            try await connection.query(
                """
                INSERT INTO sign_task_results (sign_task_id, node_name, success, error_message, packages, state, finished_at)
                VALUES (\(taskID), \(node), \(success), \(errorMessage), \(packagesJSON)::jsonb,
                        \(success ? "pending" : "done"), \(success ? nil : Date()))
                """, logger: logger)
            if success {
                try await connection.query(
                    """
                    UPDATE sign_tasks SET status = \(SignTaskStatus.inProgress.rawValue),
                           stats = coalesce(\(statsJSON)::jsonb, stats)
                    WHERE id = \(taskID)
                    """, logger: logger)
                return .queued
            }
            let message = "Sign node \(node) reported a failure: " + (errorMessage ?? "no error message")
            try await connection.query(
                """
                UPDATE sign_tasks SET status = \(SignTaskStatus.failed.rawValue), error_message = \(message),
                       finished_at = now(), lease_until = NULL, stats = coalesce(\(statsJSON)::jsonb, stats)
                WHERE id = \(taskID)
                """, logger: logger)
            return .failed
        }
    }

    /// Claims the pending result that is due first, holding it for `lease` seconds; nil when none is due.
    package func claim(lease: Double) async throws -> SignVerificationJob? {
        let token = UUID()
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            var claimed: (Int64, String, String, Int32, Int64, Int64, String, String)?
            for try await row in try await connection.query(
                """
                WITH due AS (
                    SELECT sign_task_id FROM sign_task_results WHERE state = 'pending' AND due_at <= now()
                    ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED
                ), claimed AS (
                    UPDATE sign_task_results r SET claim_token = \(token), claimed_at = now(), attempts = r.attempts + 1,
                           due_at = now() + make_interval(secs => \(lease))
                    FROM due WHERE r.sign_task_id = due.sign_task_id
                    RETURNING r.sign_task_id, r.node_name, r.packages::text AS packages, r.attempts
                )
                SELECT c.sign_task_id, c.node_name, c.packages, c.attempts, s.build_id, k.id, k.keyid, k.public_key
                FROM claimed c JOIN sign_tasks s ON s.id = c.sign_task_id JOIN sign_keys k ON k.id = s.sign_key_id
                """, logger: logger
            ).decode((Int64, String, String, Int32, Int64, Int64, String, String).self) { claimed = row }
            guard let (taskID, node, packages, attempts, buildID, keyID, keyid, publicKey) = claimed else { return nil }
            var expected: [SignExpectedPackage] = []
            for try await row in try await connection.query(
                """
                SELECT a.id, a.name, a.href, a.sha256, a.rpm_name, a.rpm_epoch, a.rpm_version, a.rpm_release, a.arch
                FROM sign_task_packages sp JOIN artifacts a ON a.id = sp.artifact_id
                WHERE sp.sign_task_id = \(taskID) ORDER BY a.id
                """, logger: logger)
            {
                let c = row.makeRandomAccess()
                expected.append(
                    SignExpectedPackage(
                        id: try c[0].decode(Int64.self), name: try c[1].decode(String.self),
                        href: try c[2].decode(String.self), sha256: try c[3].decode(String?.self),
                        rpmName: try c[4].decode(String?.self), rpmEpoch: try c[5].decode(String?.self),
                        rpmVersion: try c[6].decode(String?.self), rpmRelease: try c[7].decode(String?.self),
                        rpmArch: try c[8].decode(String?.self)))
            }
            return SignVerificationJob(
                taskID: taskID, buildID: buildID, node: node, packagesJSON: packages, signKeyID: keyID, keyid: keyid,
                publicKey: publicKey, expected: expected, attempts: Int(attempts), claimToken: token)
        }
    }

    /// Every package verified and swapped in the artifact store: the artifacts take the signed
    /// packages' hrefs and hashes (the unsigned ones kept beside), the task completes and the
    /// build is signed once all its RPMs are. One transaction, the build row locked first (two
    /// tasks of one build completing at once both see each other's artifacts). False, nothing
    /// changed, when the claim is no longer the result's current one.
    @discardableResult
    package func complete(_ job: SignVerificationJob, swaps: [SignedArtifactSwap]) async throws -> Bool {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            for try await _ in try await connection.query(
                "SELECT id FROM builds WHERE id = \(job.buildID) FOR UPDATE", logger: logger
            ).decode(Int64.self) {}
            guard try await Self.isCurrent(job, on: connection, logger: logger) else { return false }
            try await connection.query(
                """
                UPDATE artifacts a SET unsigned_href = coalesce(a.unsigned_href, a.href),
                       unsigned_sha256 = coalesce(a.unsigned_sha256, a.sha256),
                       href = s.href, sha256 = s.sha256, signed = TRUE, sign_key_id = \(job.signKeyID), signed_at = now()
                FROM unnest(\(swaps.map(\.artifactID))::bigint[], \(swaps.map(\.href))::text[],
                            \(swaps.map(\.sha256))::text[]) AS s(id, href, sha256)
                WHERE a.id = s.id
                """, logger: logger)
            try await connection.query(
                """
                UPDATE sign_tasks SET status = \(SignTaskStatus.completed.rawValue), finished_at = now(),
                       lease_until = NULL, error_message = NULL, failures = '[]'
                WHERE id = \(job.taskID)
                """, logger: logger)
            try await connection.query(
                """
                UPDATE builds b SET signed = NOT EXISTS (
                    SELECT 1 FROM artifacts a JOIN build_tasks t ON t.id = a.build_task_id
                    WHERE t.build_id = b.id AND a.type = 'rpm' AND NOT a.signed)
                WHERE b.id = \(job.buildID)
                """, logger: logger)
            try await Self.markDone(job, on: connection, logger: logger)
            return true
        }
    }

    /// Verification refused packages (or could not run for good): the task fails with `message`
    /// and the per-package `failures`, nothing of the build changes. False when the claim is stale.
    @discardableResult
    package func fail(_ job: SignVerificationJob, message: String, failures: [SignFailure]) async throws -> Bool {
        let logger = self.logger
        let failuresJSON = String(decoding: try JSONEncoder().encode(failures), as: UTF8.self)
        return try await buildTransaction(client, logger: logger) { connection in
            guard try await Self.isCurrent(job, on: connection, logger: logger) else { return false }
            try await connection.query(
                """
                UPDATE sign_tasks SET status = \(SignTaskStatus.failed.rawValue), finished_at = now(),
                       lease_until = NULL, error_message = \(String(message.prefix(8000))),
                       failures = \(failuresJSON)::jsonb
                WHERE id = \(job.taskID)
                """, logger: logger)
            try await Self.markDone(job, on: connection, logger: logger)
            return true
        }
    }

    /// Extends the claim's lease by `lease` seconds from now; false when the claim is stale.
    @discardableResult
    package func extend(_ job: SignVerificationJob, lease: Double) async throws -> Bool {
        var extended = false
        for try await _ in try await client.query(
            """
            UPDATE sign_task_results SET due_at = now() + make_interval(secs => \(lease))
            WHERE sign_task_id = \(job.taskID) AND claim_token = \(job.claimToken) AND state = 'pending'
            RETURNING sign_task_id
            """, logger: logger
        ).decode(Int64.self) { extended = true }
        return extended
    }

    /// Gives the result back after a failed attempt: due again in `delay` seconds, `error` kept.
    package func retry(_ job: SignVerificationJob, error: String, delay: Double) async throws {
        try await client.query(
            """
            UPDATE sign_task_results SET due_at = now() + make_interval(secs => \(delay)), claim_token = NULL,
                   last_error = \(String(error.prefix(2000)))
            WHERE sign_task_id = \(job.taskID) AND claim_token = \(job.claimToken) AND state = 'pending'
            """, logger: logger)
    }

    /// Results waiting for verification.
    package func pendingCount() async throws -> Int {
        for try await count in try await client.query(
            "SELECT count(*) FROM sign_task_results WHERE state = 'pending'", logger: logger
        ).decode(Int64.self) { return Int(count) }
        return 0
    }

    private static func isCurrent(
        _ job: SignVerificationJob, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        for try await _ in try await connection.query(
            """
            SELECT sign_task_id FROM sign_task_results
            WHERE sign_task_id = \(job.taskID) AND claim_token = \(job.claimToken) AND state = 'pending' FOR UPDATE
            """, logger: logger
        ).decode(Int64.self) { return true }
        return false
    }

    private static func markDone(
        _ job: SignVerificationJob, on connection: PostgresConnection, logger: Logger
    )
        async throws
    {
        try await connection.query(
            """
            UPDATE sign_task_results SET state = 'done', finished_at = now(), claim_token = NULL, last_error = NULL
            WHERE sign_task_id = \(job.taskID)
            """, logger: logger)
    }
}
