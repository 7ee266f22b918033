import Foundation
import Logging
import PostgresNIO
import Statuses

/// Watches the chaos run's build in the database: samples started tasks whose lease is older
/// than `stuckAfter` seconds (stuck past the node timeout), waits until every task is finished,
/// and reads the final rows. Queries failing while PostgreSQL restarts are counted and retried.
actor ChaosWatch {
    let client: PostgresClient
    let buildID: Int64
    let stuckAfter: Double
    let logger: Logger

    private(set) var stuck: Set<Int64> = []
    private(set) var longestLease: Double = 0
    private(set) var failedQueries = 0

    init(client: PostgresClient, buildID: Int64, stuckAfter: Double, logger: Logger) {
        self.client = client
        self.buildID = buildID
        self.stuckAfter = stuckAfter
        self.logger = logger
    }

    /// One task as the database has it at the end.
    struct TaskRow: Sendable {
        var id: Int64
        var status: Int16
        var attempts: Int32
        var error: String
        var testTasks: Int64
        var sha256: [String]
        /// `build_done`'s result is recorded (a `build_imports` job) and its import still pending.
        var importPending: Bool
    }

    /// Samples stuck tasks every second until cancelled (a task whose result is recorded and
    /// whose import is pending is held by its import job, not by node pings: not stuck).
    func sample() async {
        let started = BuildTaskStatus.started.rawValue
        while !Task.isCancelled {
            do {
                let rows = try await client.query(
                    """
                    SELECT id, extract(epoch FROM now() - ts)::float8 FROM build_tasks
                    WHERE build_id = \(buildID) AND status = \(started) AND ts IS NOT NULL
                      AND result_recorded_at IS NULL
                    """, logger: logger)
                for try await (id, age) in rows.decode((Int64, Double).self) {
                    longestLease = max(longestLease, age)
                    if age > stuckAfter { stuck.insert(id) }
                }
            } catch {
                failedQueries += 1
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Returns true once no task of the build is idle or started, false at the deadline.
    func waitUntilFinished(deadline: Duration, ledger: ChaosLedger) async -> Bool {
        let start = ContinuousClock.now
        var lastReport = start
        let unfinished = BuildTaskStatus.unfinished.map(\.rawValue)
        while ContinuousClock.now - start < deadline {
            try? await Task.sleep(for: .seconds(1))
            do {
                var left: Int64 = -1
                for try await count in try await client.query(
                    "SELECT count(*) FROM build_tasks WHERE build_id = \(buildID) AND status = ANY(\(unfinished))",
                    logger: logger
                ).decode(Int64.self) { left = count }
                if ContinuousClock.now - lastReport >= .seconds(10) {
                    lastReport = ContinuousClock.now
                    let errors = await ledger.serverErrors.values.reduce(0, +)
                    let refused = await ledger.connectionErrors
                    Bench.progress(
                        "\(Int((ContinuousClock.now - start).seconds)) s: \(left) tasks unfinished,"
                            + " 5xx \(errors), connection errors \(refused), stuck \(stuck.count)")
                }
                if left == 0 { return true }
            } catch {
                failedQueries += 1
            }
        }
        return false
    }

    /// Every task of the build, retried for up to a minute while the database comes back.
    func finalRows() async throws -> [TaskRow] {
        var lastError: (any Error)?
        for _ in 0..<60 {
            do {
                var rows: [TaskRow] = []
                for try await (id, status, attempts, error, tests, sha, pending) in try await client.query(
                    """
                    SELECT t.id, t.status, t.attempts, coalesce(t.error, ''),
                      (SELECT count(*) FROM test_tasks x WHERE x.build_task_id = t.id),
                      coalesce((SELECT string_agg(coalesce(a.sha256, ''), ',' ORDER BY a.id)
                                FROM artifacts a WHERE a.build_task_id = t.id), ''),
                      EXISTS (SELECT 1 FROM build_imports i WHERE i.task_id = t.id AND i.state = 'pending')
                    FROM build_tasks t WHERE t.build_id = \(buildID) ORDER BY t.id
                    """, logger: logger
                ).decode((Int64, Int16, Int32, String, Int64, String, Bool).self) {
                    rows.append(
                        TaskRow(
                            id: id, status: status, attempts: attempts, error: error, testTasks: tests,
                            sha256: sha.isEmpty ? [] : sha.split(separator: ",").map(String.init),
                            importPending: pending))
                }
                return rows
            } catch {
                lastError = error
                try await Task.sleep(for: .seconds(1))
            }
        }
        throw lastError ?? CancellationError()
    }
}
