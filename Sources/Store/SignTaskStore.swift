import Foundation
import Logging
import PostgresNIO
import Statuses

/// Sign tasks (`sign_tasks`, `sign_task_packages`, migration 0040): created for a finished
/// build in batches of at most `batchSize` packages, claimed by sign nodes with FOR UPDATE SKIP
/// LOCKED for the keys they hold, leased for `timeout` seconds of the lease clock, restarted
/// after a failure. A node's result is recorded and verified by `SignResultQueue`.
///
///     let store = SignTaskStore(client: client, clock: SystemLeaseClock())
///     let ids = try await store.create(buildID: 7, signKeyID: 1, requestedBy: nil, createdBy: 3, batchSize: 500)
package struct SignTaskStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    let clock: any LeaseClock

    package init(
        client: PostgresClient, logger: Logger = Logger(label: "kiln.store.sign-tasks"),
        clock: any LeaseClock = SystemLeaseClock()
    ) {
        self.client = client
        self.logger = logger
        self.clock = clock
    }

    /// Creates the sign tasks of build `buildID` with key `signKeyID` for every unsigned RPM of its
    /// completed tasks, split into tasks of at most `batchSize` packages (contiguous by artifact id),
    /// in one transaction; returns their ids. `requestedBy`: the user who must own the build (nil:
    /// an admin, any build). Refusals: no such build or key (notFound), not the owner (forbidden),
    /// unfinished build tasks, a sign task still open, already signed (conflict), an inactive key,
    /// a key not allowed for one of the build's platforms, nothing to sign (invalid).
    package func create(
        buildID: Int64, signKeyID: Int64, requestedBy: Int64?, createdBy: Int64?, batchSize: Int
    ) async throws -> [Int64] {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            var build: (Int64, Bool)?
            for try await row in try await connection.query(
                "SELECT created_by, signed FROM builds WHERE id = \(buildID) FOR UPDATE", logger: logger
            ).decode((Int64, Bool).self) { build = row }
            guard let (owner, signed) = build else { throw BuildStoreError.notFound("Build \(buildID) not found") }
            if let requestedBy, requestedBy != owner {
                throw BuildStoreError.forbidden("Only the build's creator or an admin can sign build \(buildID)")
            }
            var key: (String, Bool)?
            for try await row in try await connection.query(
                "SELECT name, active FROM sign_keys WHERE id = \(signKeyID) FOR SHARE", logger: logger
            ).decode((String, Bool).self) { key = row }
            guard let (keyName, active) = key else {
                throw BuildStoreError.notFound("Sign key \(signKeyID) not found")
            }
            guard active else {
                throw BuildStoreError.invalid("Sign key \(keyName) is inactive (active: false in its file in git)")
            }
            let unfinished = try await Self.count(
                """
                SELECT count(*) FROM build_tasks WHERE build_id = \(buildID)
                AND status IN (\(BuildTaskStatus.idle.rawValue), \(BuildTaskStatus.started.rawValue))
                """, on: connection, logger: logger)
            if unfinished > 0 {
                throw BuildStoreError.conflict(
                    "Build \(buildID) has \(unfinished) unfinished task(s): it can be signed once every task is finished"
                )
            }
            var refused: [String] = []
            for try await name in try await connection.query(
                """
                SELECT DISTINCT p.name FROM build_tasks t JOIN platforms p ON p.id = t.platform_id
                WHERE t.build_id = \(buildID) AND NOT EXISTS (
                    SELECT 1 FROM sign_key_platforms kp WHERE kp.sign_key_id = \(signKeyID) AND kp.platform_id = t.platform_id)
                ORDER BY p.name
                """, logger: logger
            ).decode(String.self) { refused.append(name) }
            if !refused.isEmpty {
                throw BuildStoreError.invalid(
                    "Sign key \(keyName) may not sign builds of platform(s) \(refused.joined(separator: ", ")): "
                        + "list them under platforms: in the key's file in git")
            }
            let open = try await Self.count(
                """
                SELECT count(*) FROM sign_tasks WHERE build_id = \(buildID)
                AND status IN (\(SignTaskStatus.idle.rawValue), \(SignTaskStatus.inProgress.rawValue))
                """, on: connection, logger: logger)
            if open > 0 {
                throw BuildStoreError.conflict("Build \(buildID) already has \(open) sign task(s) idle or in progress")
            }
            if signed { throw BuildStoreError.conflict("Build \(buildID) is already signed") }
            let packages = try await Self.count(
                """
                SELECT count(*) FROM artifacts a JOIN build_tasks t ON t.id = a.build_task_id
                WHERE t.build_id = \(buildID) AND t.status = \(BuildTaskStatus.completed.rawValue)
                AND a.type = 'rpm' AND NOT a.signed
                """, on: connection, logger: logger)
            guard packages > 0 else {
                throw BuildStoreError.invalid("Build \(buildID) has no built packages to sign")
            }
            let batch = max(1, batchSize)
            let taskCount = (packages + batch - 1) / batch
            // Tasks first, then each package into task floor(i × n / count): contiguous, balanced batches.
            var ids: [Int64] = []
            for try await id in try await connection.query(
                """
                INSERT INTO sign_tasks (build_id, sign_key_id, status, created_by)
                SELECT \(buildID), \(signKeyID), \(SignTaskStatus.idle.rawValue), \(createdBy)
                FROM generate_series(1, \(taskCount)) RETURNING id
                """, logger: logger
            ).decode(Int64.self) { ids.append(id) }
            ids.sort()
            try await connection.query(
                """
                WITH pkgs AS (
                    SELECT a.id, row_number() OVER (ORDER BY a.id) - 1 AS i
                    FROM artifacts a JOIN build_tasks t ON t.id = a.build_task_id
                    WHERE t.build_id = \(buildID) AND t.status = \(BuildTaskStatus.completed.rawValue)
                    AND a.type = 'rpm' AND NOT a.signed
                ), tasks AS (
                    SELECT id, row_number() OVER (ORDER BY id) - 1 AS j FROM unnest(\(ids)::bigint[]) AS id
                )
                INSERT INTO sign_task_packages (sign_task_id, artifact_id)
                SELECT tasks.id, pkgs.id FROM pkgs JOIN tasks ON tasks.j = (pkgs.i * \(taskCount)) / \(packages)
                """, logger: logger)
            return ids
        }
    }

    /// Sign tasks, ascending by id: of build `buildID`, or every one when nil.
    package func tasks(buildID: Int64?) async throws -> [SignTaskRow] {
        if let buildID { return try await read(whereSQL: "s.build_id = $1", bind: buildID) }
        return try await read(whereSQL: "TRUE", bind: nil)
    }

    /// Sign tasks of the given builds, ascending by id.
    package func tasks(buildIDs: [Int64]) async throws -> [SignTaskRow] {
        guard !buildIDs.isEmpty else { return [] }
        return try await read(whereSQL: "s.build_id = ANY($1)", bind: buildIDs)
    }

    /// The sign task, nil when absent.
    package func task(id: Int64) async throws -> SignTaskRow? {
        try await read(whereSQL: "s.id = $1", bind: id).first
    }

    private func read(whereSQL: String, bind: (any PostgresEncodable & Sendable)?) async throws -> [SignTaskRow] {
        var binds = PostgresBindings()
        if let bind { try binds.append(bind) }
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT s.id, s.build_id, s.status, s.error_message, s.log_href, s.node_name, s.attempts,
                           s.created_at, s.started_at, s.finished_at, s.stats::text, s.failures::text,
                           (SELECT count(*) FROM sign_task_packages sp WHERE sp.sign_task_id = s.id),
                           EXISTS (SELECT 1 FROM sign_task_results r WHERE r.sign_task_id = s.id AND r.state = 'pending'),
                           k.id, k.name, k.description, k.keyid, k.fingerprint, k.public_url, k.inserted, k.active,
                           k.archived,
                           ARRAY(SELECT kp.platform_id FROM sign_key_platforms kp WHERE kp.sign_key_id = k.id
                                 ORDER BY kp.platform_id)
                    FROM sign_tasks s JOIN sign_keys k ON k.id = s.sign_key_id
                    WHERE \(whereSQL) ORDER BY s.id
                    """, binds: binds), logger: logger)
        var result: [SignTaskRow] = []
        for try await row in rows {
            let c = row.makeRandomAccess()
            let failures = try c[11].decode(String.self)
            let key = SignTaskKeyRow(
                id: try c[14].decode(Int64.self), name: try c[15].decode(String.self),
                description: try c[16].decode(String.self), keyid: try c[17].decode(String.self),
                fingerprint: try c[18].decode(String.self), publicURL: try c[19].decode(String.self),
                inserted: try c[20].decode(Date.self), active: try c[21].decode(Bool.self),
                archived: try c[22].decode(Date?.self), platformIDs: try c[23].decode([Int64].self))
            result.append(
                SignTaskRow(
                    id: try c[0].decode(Int64.self), buildID: try c[1].decode(Int64.self),
                    signKey: key,
                    status: try StoredValue.decode(
                        SignTaskStatus.self, try c[2].decode(Int16.self), column: "sign_tasks.status"),
                    errorMessage: try c[3].decode(String?.self), logHref: try c[4].decode(String?.self),
                    node: try c[5].decode(String?.self), attempts: Int(try c[6].decode(Int32.self)),
                    createdAt: try c[7].decode(Date.self), startedAt: try c[8].decode(Date?.self),
                    finishedAt: try c[9].decode(Date?.self),
                    stats: try c[10].decode(String?.self).flatMap(decodeJSONValue),
                    failures: (try? JSONDecoder().decode([SignFailure].self, from: Data(failures.utf8))) ?? [],
                    packageCount: Int(try c[12].decode(Int64.self)), verifying: try c[13].decode(Bool.self)))
        }
        return result
    }

    /// Claims the oldest sign task for one of `keyIDs` (16-hex key ids, any case) that is idle,
    /// or in progress with a lapsed lease and no recorded result, for `node`, leased for
    /// `timeout` seconds; nil when there is none. Two nodes never get the same task.
    package func claim(keyIDs: [String], node: String, timeout: Double) async throws -> ClaimedSignTask? {
        let keys = keyIDs.map { $0.uppercased() }
        guard !keys.isEmpty else { return nil }
        let now = clock.now()
        let lease = now.addingTimeInterval(timeout)
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            var claimed: (Int64, Int64, String, Bool)?
            for try await row in try await connection.query(
                """
                WITH next AS (
                    SELECT s.id FROM sign_tasks s
                    WHERE s.sign_key_id IN (SELECT id FROM sign_keys WHERE upper(keyid) = ANY(\(keys)))
                    AND (s.status = \(SignTaskStatus.idle.rawValue)
                         OR (s.status = \(SignTaskStatus.inProgress.rawValue) AND s.lease_until < \(now)
                             AND NOT EXISTS (SELECT 1 FROM sign_task_results r
                                             WHERE r.sign_task_id = s.id AND r.state = 'pending')))
                    ORDER BY s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED
                )
                UPDATE sign_tasks s SET status = \(SignTaskStatus.inProgress.rawValue), node_name = \(node),
                       attempts = s.attempts + 1, started_at = \(now), lease_until = \(lease), error_message = NULL
                FROM next, sign_keys k WHERE s.id = next.id AND k.id = s.sign_key_id
                RETURNING s.id, s.build_id, k.keyid, k.sign_files
                """, logger: logger
            ).decode((Int64, Int64, String, Bool).self) { claimed = row }
            guard let (id, buildID, keyid, signFiles) = claimed else { return nil }
            // A result of an earlier claim (refused by verification, then the task restarted) is gone.
            try await connection.query("DELETE FROM sign_task_results WHERE sign_task_id = \(id)", logger: logger)
            var packages: [SignTaskPackageRow] = []
            for try await (artifactID, name, arch, casHash, repoName, repoURL, repoHref) in try await connection.query(
                """
                SELECT a.id, a.name, CASE WHEN a.name LIKE '%.src.rpm' THEN 'src' ELSE t.arch END, a.cas_hash,
                       r.name, r.url, r.pulp_href
                FROM sign_task_packages sp JOIN artifacts a ON a.id = sp.artifact_id
                JOIN build_tasks t ON t.id = a.build_task_id
                LEFT JOIN build_repositories r ON r.build_id = t.build_id AND r.platform_id = t.platform_id
                     AND r.arch = t.arch
                     AND r.kind = CASE WHEN a.name LIKE '%.src.rpm' THEN 'src'
                                       WHEN a.name LIKE '%-debuginfo-%' OR a.name LIKE '%-debugsource-%' THEN 'debug'
                                       ELSE 'rpm' END
                WHERE sp.sign_task_id = \(id) ORDER BY a.id
                """, logger: logger
            ).decode((Int64, String, String, String?, String?, String?, String?).self) {
                packages.append(
                    SignTaskPackageRow(
                        id: artifactID, name: name, arch: arch, casHash: casHash, repositoryName: repoName,
                        repositoryURL: repoURL, repositoryHref: repoHref))
            }
            return ClaimedSignTask(id: id, buildID: buildID, keyid: keyid, signFiles: signFiles, packages: packages)
        }
    }

    /// Puts a failed task back to idle for any sign node (its failures and result cleared);
    /// `requestedBy`: the user who must own the build (nil: an admin). Not failed: conflict.
    package func restart(taskID: Int64, requestedBy: Int64?) async throws {
        let logger = self.logger
        try await buildTransaction(client, logger: logger) { connection in
            var found: (Int16, Int64)?
            for try await row in try await connection.query(
                """
                SELECT s.status, b.created_by FROM sign_tasks s JOIN builds b ON b.id = s.build_id
                WHERE s.id = \(taskID) FOR UPDATE OF s
                """, logger: logger
            ).decode((Int16, Int64).self) { found = row }
            guard let (rawStatus, owner) = found else {
                throw BuildStoreError.notFound("Sign task \(taskID) not found")
            }
            if let requestedBy, requestedBy != owner {
                throw BuildStoreError.forbidden("Only the build's creator or an admin can restart sign task \(taskID)")
            }
            guard SignTaskStatus(rawValue: rawStatus) == .failed else {
                throw BuildStoreError.conflict(
                    "Sign task \(taskID) has not failed: only a failed sign task is restarted")
            }
            try await connection.query(
                """
                UPDATE sign_tasks SET status = \(SignTaskStatus.idle.rawValue), node_name = NULL, lease_until = NULL,
                       started_at = NULL, finished_at = NULL, error_message = NULL, failures = '[]'
                WHERE id = \(taskID)
                """, logger: logger)
            try await connection.query("DELETE FROM sign_task_results WHERE sign_task_id = \(taskID)", logger: logger)
        }
    }

    /// Puts in-progress tasks whose lease lapsed (no result recorded) back to idle; the node keeps
    /// its name on the task, so its late complete is still accepted until another node claims it.
    /// Returns the ids requeued.
    package func sweepStale() async throws -> [Int64] {
        let now = clock.now()
        var ids: [Int64] = []
        for try await id in try await client.query(
            """
            UPDATE sign_tasks s SET status = \(SignTaskStatus.idle.rawValue), lease_until = NULL
            WHERE s.status = \(SignTaskStatus.inProgress.rawValue) AND s.lease_until < \(now)
            AND NOT EXISTS (SELECT 1 FROM sign_task_results r WHERE r.sign_task_id = s.id AND r.state = 'pending')
            RETURNING s.id
            """, logger: logger
        ).decode(Int64.self) { ids.append(id) }
        return ids.sorted()
    }

    static func count(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        for try await n in try await connection.query(query, logger: logger).decode(Int64.self) { return Int(n) }
        return 0
    }
}
