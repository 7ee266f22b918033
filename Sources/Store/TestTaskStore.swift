import Foundation
import Logging
import PostgresNIO
import Statuses

/// Test tasks (`test_tasks`, migration 0041) for the ALBS test system (ALTS): one per binary RPM
/// of a completed arch task and revision, pulled in batches with FOR UPDATE SKIP LOCKED and
/// leased for a timeout of the lease clock, finished by ALTS's result; restarts add a revision,
/// cancel stops the queued ones.
///
///     let store = TestTaskStore(client: client)
///     let tasks = try await store.claim(node: "alts", limit: 100, timeout: 21_600)
package struct TestTaskStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    let clock: any LeaseClock

    package init(
        client: PostgresClient, logger: Logger = Logger(label: "kiln.store.test-tasks"),
        clock: any LeaseClock = SystemLeaseClock()
    ) {
        self.client = client
        self.logger = logger
        self.clock = clock
    }

    // MARK: Creation

    /// Adds a revision of test tasks for the completed arch tasks `taskIDs` on `connection` (the
    /// caller's transaction): one per binary RPM (no source, debuginfo or debugsource RPMs, as
    /// ALBS), with the ref's test
    /// configuration. `honourSkip`: none for a build created with `skip_tests` or on a platform
    /// that skips tests. Returns how many.
    @discardableResult
    static func addRevision(
        on connection: PostgresConnection, taskIDs: [Int64], honourSkip: Bool, logger: Logger
    ) async throws -> Int {
        let rows = try await connection.query(
            """
            INSERT INTO test_tasks (build_task_id, package_name, package_version, package_release, package_epoch,
                                    env_arch, status, revision, test_configuration)
            SELECT t.id, coalesce(a.rpm_name, a.name), coalesce(a.rpm_version, ''), a.rpm_release, a.rpm_epoch,
                   t.arch, \(TestTaskStatus.created.rawValue), rev.n, r.test_configuration
            FROM build_tasks t
            JOIN builds b ON b.id = t.build_id
            JOIN platforms p ON p.id = t.platform_id
            JOIN build_task_refs r ON r.id = t.ref_id
            JOIN artifacts a ON a.build_task_id = t.id AND a.type = 'rpm' AND coalesce(a.arch, '') <> 'src'
                             AND a.name NOT LIKE '%.src.rpm'
                             AND coalesce(a.rpm_name, a.name) !~ '-debug(info|source)$'
            CROSS JOIN LATERAL (SELECT coalesce(max(x.revision), 0) + 1 AS n FROM test_tasks x
                                WHERE x.build_task_id = t.id) rev
            WHERE t.id = ANY(\(taskIDs)) AND t.status = \(BuildTaskStatus.completed.rawValue) AND t.arch <> 'src'
              AND (NOT \(honourSkip) OR NOT (b.skip_tests OR p.skip_tests))
            ORDER BY t.id, a.id
            RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int64.self) { count += 1 }
        return count
    }

    // MARK: Pull

    /// Hands out at most `limit` queued test tasks (lowest id first) to `node`, each leased for
    /// `timeout`; started tasks whose lease lapsed without a result are queued again first.
    /// FOR UPDATE SKIP LOCKED: two concurrent pulls never get the same task.
    package func claim(node: String, limit: Int, timeout: TimeInterval) async throws -> [TestTaskClaim] {
        let now = clock.now()
        let lease = now.addingTimeInterval(timeout)
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            try await Self.requeueLapsed(on: connection, now: now, logger: logger)
            var ids: [Int64] = []
            for try await id in try await connection.query(
                """
                WITH next AS (
                    SELECT id FROM test_tasks WHERE status = \(TestTaskStatus.created.rawValue)
                    ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                )
                UPDATE test_tasks t SET status = \(TestTaskStatus.started.rawValue), node_name = \(node),
                       started_at = \(now), lease_until = \(lease), attempts = t.attempts + 1
                FROM next WHERE t.id = next.id RETURNING t.id
                """, logger: logger
            ).decode(Int64.self) { ids.append(id) }
            return try await Self.claims(ids.sorted(), on: connection, logger: logger)
        }
    }

    /// Puts started tasks whose lease lapsed back in the queue; returns their ids.
    @discardableResult
    package func sweepStale() async throws -> [Int64] {
        let now = clock.now()
        let logger = self.logger
        return try await client.withConnection { connection in
            try await Self.requeueLapsed(on: connection, now: now, logger: logger)
        }
    }

    @discardableResult
    static func requeueLapsed(on connection: PostgresConnection, now: Date, logger: Logger) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await connection.query(
            """
            UPDATE test_tasks SET status = \(TestTaskStatus.created.rawValue), node_name = NULL, lease_until = NULL
            WHERE status = \(TestTaskStatus.started.rawValue) AND lease_until < \(now) RETURNING id
            """, logger: logger
        ).decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// The payload data of tasks `ids`, in that order.
    static func claims(
        _ ids: [Int64], on connection: PostgresConnection, logger: Logger
    ) async throws
        -> [TestTaskClaim]
    {
        guard !ids.isEmpty else { return [] }
        var out: [TestTaskClaim] = []
        var keys: [(build: Int64, platform: Int64)] = []
        for try await row in try await connection.query(
            """
            SELECT t.id, t.env_arch, t.package_name, t.package_version, t.package_release, t.package_epoch,
                   t.test_configuration::text, p.test_dist_name, p.distr_version, bt.build_id, bt.platform_id
            FROM test_tasks t JOIN build_tasks bt ON bt.id = t.build_task_id JOIN platforms p ON p.id = bt.platform_id
            WHERE t.id = ANY(\(ids)) ORDER BY t.id
            """, logger: logger)
        {
            let c = row.makeRandomAccess()
            out.append(
                TestTaskClaim(
                    id: try c[0].decode(Int64.self), envArch: try c[1].decode(String.self),
                    packageName: try c[2].decode(String.self), packageVersion: try c[3].decode(String.self),
                    packageRelease: try c[4].decode(String?.self), packageEpoch: try c[5].decode(String?.self),
                    testConfiguration: try c[6].decode(String?.self), distName: try c[7].decode(String.self),
                    distVersion: try c[8].decode(String.self), repositories: []))
            keys.append((try c[9].decode(Int64.self), try c[10].decode(Int64.self)))
        }
        var cache: [String: [(name: String, url: String)]] = [:]
        for i in out.indices {
            let key = "\(keys[i].build)/\(keys[i].platform)/\(out[i].envArch)"
            if let known = cache[key] {
                out[i].repositories = known
                continue
            }
            let repos = try await repositories(
                build: keys[i].build, platform: keys[i].platform, arch: out[i].envArch,
                distVersion: out[i].distVersion, on: connection, logger: logger)
            cache[key] = repos
            out[i].repositories = repos
        }
        return out
    }

    /// ALBS's order: the build's RPM repositories of `arch`, its linked builds', its flavors'
    /// (`$releasever` filled in), then the platform's of `arch`.
    static func repositories(
        build: Int64, platform: Int64, arch: String, distVersion: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [(name: String, url: String)] {
        var out: [(name: String, url: String)] = []
        for try await (name, url) in try await connection.query(
            """
            SELECT name, url FROM (
                SELECT 1 AS part, 0 AS pos, r.id, r.name, r.url FROM build_repositories r
                WHERE r.build_id = \(build) AND r.arch = \(arch) AND r.kind = 'rpm'
                UNION ALL
                SELECT 2, 0, r.id, r.name, r.url FROM build_links l
                JOIN build_repositories r ON r.build_id = l.linked_build_id
                WHERE l.build_id = \(build) AND r.arch = \(arch) AND r.kind = 'rpm'
                UNION ALL
                SELECT 3, f.position, r.id, r.name, replace(r.url, '$releasever', \(distVersion))
                FROM build_platform_flavors f
                JOIN platform_flavor_repositories fr ON fr.flavor_id = f.flavor_id
                JOIN repositories r ON r.id = fr.repository_id
                WHERE f.build_id = \(build) AND r.arch = \(arch) AND NOT r.debug AND r.type <> 'build_log'
                UNION ALL
                SELECT 4, 0, r.id, r.name, r.url FROM platform_repositories pr
                JOIN repositories r ON r.id = pr.repository_id
                WHERE pr.platform_id = \(platform) AND r.arch = \(arch) AND NOT r.debug AND r.type <> 'build_log'
            ) x ORDER BY part, pos, id
            """, logger: logger
        ).decode((String, String).self) { out.append((name, url)) }
        return out
    }

    // MARK: Results

    /// Records ALTS's result for task `id` with the status it gives (`body`: the whole JSON body,
    /// `stats` and `logs` as JSON text). A repeat of the recorded result changes nothing.
    /// Refusals: no such task (notFound); a task of an older revision, not handed out, cancelled,
    /// or holding another result (conflict).
    package func record(
        id: Int64, status: TestTaskStatus, body: String, stats: String?, logs: String
    ) async throws -> TestResultOutcome {
        let logger = self.logger
        let now = clock.now()
        return try await buildTransaction(client, logger: logger) { connection in
            var found: (Int16, Int32, Int64, Int32, Bool)?
            for try await row in try await connection.query(
                """
                SELECT t.status, t.revision, t.build_task_id,
                       (SELECT max(x.revision) FROM test_tasks x WHERE x.build_task_id = t.build_task_id),
                       t.alts_response IS NOT NULL AND t.alts_response = \(body)::jsonb
                FROM test_tasks t WHERE t.id = \(id) FOR UPDATE
                """, logger: logger
            ).decode((Int16, Int32, Int64, Int32, Bool).self) { found = row }
            guard let (rawStatus, revision, buildTask, latest, same) = found,
                let current = TestTaskStatus(rawValue: rawStatus)
            else { throw BuildStoreError.notFound("Test task \(id) not found") }
            if same { return .repeated(current) }
            if revision < latest {
                throw BuildStoreError.conflict(
                    "Test task \(id) is revision \(revision) of build task \(buildTask), whose tests were restarted "
                        + "as revision \(latest): a result for an older revision is not recorded")
            }
            switch current {
            case .created:
                throw BuildStoreError.conflict("Test task \(id) has not been handed out: nothing waits for its result")
            case .cancelled:
                throw BuildStoreError.conflict("Test task \(id) was cancelled")
            case .completed, .failed:
                throw BuildStoreError.conflict("Test task \(id) already has a different result")
            case .started:
                break
            }
            try await connection.query(
                """
                UPDATE test_tasks SET status = \(status.rawValue), alts_response = \(body)::jsonb,
                       stats = \(stats)::jsonb, logs = \(logs)::jsonb, finished_at = \(now), lease_until = NULL
                WHERE id = \(id)
                """, logger: logger)
            return .recorded(status)
        }
    }

    // MARK: Reads

    /// The test tasks of build task `buildTaskID` of `revision` (nil: the latest), by id; nil when
    /// the build task does not exist.
    package func tasks(buildTaskID: Int64, revision: Int?) async throws -> [TestTaskRow]? {
        var exists = false
        for try await _ in try await client.query(
            "SELECT 1 FROM build_tasks WHERE id = \(buildTaskID)", logger: logger
        ).decode(Int32.self) { exists = true }
        guard exists else { return nil }
        var out: [TestTaskRow] = []
        let wanted = revision.map(Int32.init)
        for try await row in try await client.query(
            """
            SELECT id, build_task_id, package_name, package_version, package_release, env_arch, status, revision,
                   alts_response::text, logs::text, started_at, finished_at
            FROM test_tasks t WHERE build_task_id = \(buildTaskID)
            AND revision = coalesce(\(wanted), (SELECT max(revision) FROM test_tasks WHERE build_task_id = \(buildTaskID)))
            ORDER BY id
            """, logger: logger)
        {
            out.append(try Self.row(row))
        }
        return out
    }

    /// Every test task of the builds `buildIDs`, by build task and id (the build JSON's `test_tasks`).
    package func tasks(buildIDs: [Int64]) async throws -> [TestTaskRow] {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await Self.tasks(buildIDs: buildIDs, on: connection, logger: logger)
        }
    }

    static func tasks(
        buildIDs: [Int64], on connection: PostgresConnection, logger: Logger
    ) async throws
        -> [TestTaskRow]
    {
        guard !buildIDs.isEmpty else { return [] }
        var out: [TestTaskRow] = []
        for try await row in try await connection.query(
            """
            SELECT t.id, t.build_task_id, t.package_name, t.package_version, t.package_release, t.env_arch, t.status,
                   t.revision, t.alts_response::text, t.logs::text, t.started_at, t.finished_at
            FROM test_tasks t JOIN build_tasks bt ON bt.id = t.build_task_id
            WHERE bt.build_id = ANY(\(buildIDs)) ORDER BY t.build_task_id, t.id
            """, logger: logger)
        {
            out.append(try Self.row(row))
        }
        return out
    }

    static func row(_ row: PostgresRow) throws -> TestTaskRow {
        let c = row.makeRandomAccess()
        let raw = try c[6].decode(Int16.self)
        guard let status = TestTaskStatus(rawValue: raw) else {
            throw BuildStoreError.invalid("test_tasks.status \(raw) is not a test task status")
        }
        return TestTaskRow(
            id: try c[0].decode(Int64.self), buildTaskID: try c[1].decode(Int64.self),
            packageName: try c[2].decode(String.self), packageVersion: try c[3].decode(String.self),
            packageRelease: try c[4].decode(String?.self), envArch: try c[5].decode(String.self), status: status,
            revision: Int(try c[7].decode(Int32.self)), altsResponse: try c[8].decode(String?.self),
            logs: try c[9].decode(String.self), startedAt: try c[10].decode(Date?.self),
            finishedAt: try c[11].decode(Date?.self))
    }

    // MARK: Restart and cancel

    /// A new revision of tests for one completed arch task (its queued tests of older revisions
    /// cancelled); returns how many tasks it made. `requestedBy`: the user who must own the build
    /// (nil: an admin). Refusals: no such task (notFound), not the owner (forbidden), a task that
    /// did not complete or a `src` task (conflict), no binary packages (invalid).
    package func restart(buildTaskID: Int64, requestedBy: Int64?) async throws -> Int {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            var found: (Int64, Int64, Int16, String)?
            for try await row in try await connection.query(
                """
                SELECT b.id, b.created_by, t.status, t.arch FROM build_tasks t JOIN builds b ON b.id = t.build_id
                WHERE t.id = \(buildTaskID) FOR UPDATE OF b
                """, logger: logger
            ).decode((Int64, Int64, Int16, String).self) { found = row }
            guard let (buildID, owner, status, arch) = found else {
                throw BuildStoreError.notFound("Build task \(buildTaskID) not found")
            }
            if let requestedBy, requestedBy != owner {
                throw BuildStoreError.forbidden(
                    "Only the creator of build \(buildID) or an admin can restart its tests")
            }
            guard arch != "src", status == BuildTaskStatus.completed.rawValue else {
                throw BuildStoreError.conflict(
                    "Build task \(buildTaskID) has no tests to restart: only completed arch tasks are tested")
            }
            try await Self.cancelQueued(on: connection, buildTaskIDs: [buildTaskID], logger: logger)
            let made = try await Self.addRevision(
                on: connection, taskIDs: [buildTaskID], honourSkip: false, logger: logger)
            guard made > 0 else {
                throw BuildStoreError.invalid("Build task \(buildTaskID) has no binary packages to test")
            }
            return made
        }
    }

    /// A new revision of tests for every completed arch task of build `buildID`; returns how many
    /// tasks it made. Refusals as `restart(buildTaskID:)`; a build without completed arch tasks
    /// is a conflict.
    package func restart(buildID: Int64, requestedBy: Int64?) async throws -> Int {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            let owner = try await Self.owner(of: buildID, on: connection, logger: logger)
            if let requestedBy, requestedBy != owner {
                throw BuildStoreError.forbidden(
                    "Only the creator of build \(buildID) or an admin can restart its tests")
            }
            var tasks: [Int64] = []
            for try await id in try await connection.query(
                """
                SELECT id FROM build_tasks WHERE build_id = \(buildID) AND arch <> 'src'
                AND status = \(BuildTaskStatus.completed.rawValue) ORDER BY id
                """, logger: logger
            ).decode(Int64.self) { tasks.append(id) }
            guard !tasks.isEmpty else {
                throw BuildStoreError.conflict("Build \(buildID) has no completed arch tasks to test")
            }
            try await Self.cancelQueued(on: connection, buildTaskIDs: tasks, logger: logger)
            return try await Self.addRevision(on: connection, taskIDs: tasks, honourSkip: false, logger: logger)
        }
    }

    /// Cancels the queued (not yet handed out) test tasks of build `buildID`; returns how many.
    package func cancel(buildID: Int64, requestedBy: Int64?) async throws -> Int {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger) { connection in
            let owner = try await Self.owner(of: buildID, on: connection, logger: logger)
            if let requestedBy, requestedBy != owner {
                throw BuildStoreError.forbidden("Only the creator of build \(buildID) or an admin can cancel its tests")
            }
            var tasks: [Int64] = []
            for try await id in try await connection.query(
                "SELECT id FROM build_tasks WHERE build_id = \(buildID)", logger: logger
            ).decode(Int64.self) { tasks.append(id) }
            return try await Self.cancelQueued(on: connection, buildTaskIDs: tasks, logger: logger)
        }
    }

    @discardableResult
    static func cancelQueued(
        on connection: PostgresConnection, buildTaskIDs: [Int64], logger: Logger
    ) async throws
        -> Int
    {
        var count = 0
        for try await _ in try await connection.query(
            """
            UPDATE test_tasks SET status = \(TestTaskStatus.cancelled.rawValue), finished_at = now()
            WHERE build_task_id = ANY(\(buildTaskIDs)) AND status = \(TestTaskStatus.created.rawValue) RETURNING id
            """, logger: logger
        ).decode(Int64.self) { count += 1 }
        return count
    }

    static func owner(of buildID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        for try await owner in try await connection.query(
            "SELECT created_by FROM builds WHERE id = \(buildID) FOR UPDATE", logger: logger
        ).decode(Int64.self) { return owner }
        throw BuildStoreError.notFound("Build \(buildID) not found")
    }
}
