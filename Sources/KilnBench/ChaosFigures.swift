import Foundation
import Statuses

/// The chaos run's verdict: the nodes' log compared task by task with the database.
struct ChaosFigures: Codable, Sendable {
    // Targets: 0 each.
    var tasksLost: Int
    var claimedTwice: Int
    var finishedTwice: Int
    var resultsDropped: Int
    var resultsRefused: Int
    var stuckPastNodeTimeout: Int
    var serverErrors: Int
    // Context.
    var tasks: Int
    var nodes: Int
    var servers: Int
    var seconds: Double
    var drained: Bool
    var unfinishedAtEnd: Int
    var finishedByNoNode: Int
    var requeuedTasks: Int
    var artifactsReported: Int
    var connectionErrors: Int
    var hungCalls: Int
    var artifactUploadRetries: Int
    var nodeTimeoutSeconds: Double
    var stuckThresholdSeconds: Double
    var longestLeaseSeconds: Double
    var watchQueriesFailed: Int
    var serverErrorsByRoute: [String: Int]
    /// Tasks whose result is recorded but whose artifact import was still pending at the end
    /// (not lost: the import finishes once the store catches up; the run is not drained).
    var importsPendingAtEnd: Int
    /// 503 with `Retry-After` (the database away, a designed answer; not counted in `serverErrors`).
    var outageAnswers: Int
    var examples: [String]

    enum CodingKeys: String, CodingKey {
        case tasksLost = "tasks_lost"
        case claimedTwice = "claimed_twice"
        case finishedTwice = "finished_twice"
        case resultsDropped = "results_dropped"
        case resultsRefused = "results_refused"
        case stuckPastNodeTimeout = "stuck_past_node_timeout"
        case serverErrors = "server_errors_5xx"
        case tasks, nodes, servers, seconds, drained
        case unfinishedAtEnd = "unfinished_at_end"
        case finishedByNoNode = "finished_by_no_node"
        case requeuedTasks = "requeued_tasks"
        case artifactsReported = "artifacts_reported"
        case connectionErrors = "connection_errors"
        case hungCalls = "hung_calls_5s"
        case artifactUploadRetries = "artifact_upload_retries"
        case nodeTimeoutSeconds = "node_timeout_s"
        case stuckThresholdSeconds = "stuck_threshold_s"
        case longestLeaseSeconds = "longest_lease_s"
        case watchQueriesFailed = "watch_queries_failed"
        case serverErrorsByRoute = "server_errors_by_route"
        case outageAnswers = "outage_503_with_retry_after"
        case importsPendingAtEnd = "imports_pending_at_end"
        case examples
    }

    /// All targets met and every task finished before the deadline.
    var passed: Bool {
        drained && tasksLost == 0 && claimedTwice == 0 && finishedTwice == 0 && resultsDropped == 0
            && resultsRefused == 0 && stuckPastNodeTimeout == 0 && serverErrors == 0
    }

    static func compute(
        rows: [ChaosWatch.TaskRow], ledger: ChaosLedger, watch: ChaosWatch, tasks: Int, nodes: Int, servers: Int,
        seconds: Double, drained: Bool, nodeTimeout: Double, stuckAfter: Double
    ) async -> ChaosFigures {
        let claims = await ledger.claims
        let finishes = await ledger.finishes
        let stuck = await watch.stuck
        var examples: [String] = []
        func note(_ text: String) { if examples.count < 20 { examples.append(text) } }
        var unfinished = 0
        var byNoNode = 0
        var claimedTwice = 0
        var finishedTwice = 0
        var dropped = 0
        var refused = 0
        var requeued = 0
        var artifacts = 0
        var importsPending = 0
        for row in rows {
            let status = BuildTaskStatus(rawValue: row.status)
            let mine = finishes[row.id] ?? []
            let landed = mine.filter { $0.answer == .accepted || $0.answer == .alreadyDoneAfterRetry }
            if row.attempts > 1 { requeued += 1 }
            if row.importPending && status?.isFinished != true {
                importsPending += 1
                note("task \(row.id): result recorded, import still pending at the end")
            } else if status?.isFinished != true {
                unfinished += 1
                note("task \(row.id): still \(status.map { "\($0)" } ?? "\(row.status)") at the end")
            } else if landed.isEmpty {
                byNoNode += 1
                note("task \(row.id): finished (\(row.status)) but no node's result landed: \(row.error)")
            }
            if (claims[row.id]?.count ?? 0) > 1 {
                claimedTwice += 1
                note("task \(row.id): claimed by \(claims[row.id] ?? [])")
            }
            let accepted = mine.filter { $0.answer == .accepted }.count
            let reported = landed.first?.sha256.count ?? 0
            artifacts += reported
            if accepted > 1 || row.testTasks > 1 || row.sha256.count > reported {
                finishedTwice += 1
                note(
                    "task \(row.id): \(accepted) accepted finishes, \(row.testTasks) test tasks, \(row.sha256.count) artifact rows"
                )
            }
            for finish in mine where finish.answer == .refused || finish.answer == .rejected {
                refused += 1
                note("task \(row.id): build_done of \(finish.node) answered \(finish.status) \(finish.detail)")
            }
            if let result = landed.first, !row.importPending {
                let want = BuildTaskOutcome(rawValue: result.outcome)?.status
                let wantTests: Int64 = result.outcome == "done" ? 1 : 0
                if status != want || row.sha256 != result.sha256 || row.testTasks < wantTests {
                    dropped += 1
                    note(
                        "task \(row.id): node reported \(result.outcome) \(result.sha256), database has status \(row.status) \(row.sha256)"
                    )
                }
            }
        }
        let ids = Set(rows.map(\.id))
        let errors = await ledger.serverErrors
        return ChaosFigures(
            tasksLost: unfinished + byNoNode + max(0, tasks - rows.count), claimedTwice: claimedTwice,
            finishedTwice: finishedTwice, resultsDropped: dropped, resultsRefused: refused,
            stuckPastNodeTimeout: stuck.intersection(ids).count, serverErrors: errors.values.reduce(0, +),
            tasks: tasks, nodes: nodes, servers: servers, seconds: seconds, drained: drained,
            unfinishedAtEnd: unfinished, finishedByNoNode: byNoNode, requeuedTasks: requeued,
            artifactsReported: artifacts, connectionErrors: await ledger.connectionErrors,
            hungCalls: await ledger.slowFailures,
            artifactUploadRetries: await ledger.uploadErrors, nodeTimeoutSeconds: nodeTimeout,
            stuckThresholdSeconds: stuckAfter, longestLeaseSeconds: await watch.longestLease,
            watchQueriesFailed: await watch.failedQueries, serverErrorsByRoute: errors,
            importsPendingAtEnd: importsPending,
            outageAnswers: await ledger.outageAnswers, examples: examples)
    }

    func printText() {
        print("kiln bench chaos: \(tasks) tasks, \(nodes) nodes, \(servers) servers, \(Bench.fmt(seconds)) s")
        print(
            "  tasks lost               \(tasksLost)  (unfinished \(unfinishedAtEnd), finished by no node \(finishedByNoNode))"
        )
        print("  claimed twice            \(claimedTwice)")
        print("  finished twice           \(finishedTwice)")
        print("  results dropped          \(resultsDropped)")
        print("  results refused (4xx)    \(resultsRefused)")
        print(
            "  stuck past node timeout  \(stuckPastNodeTimeout)  (lease older than \(Bench.fmt(stuckThresholdSeconds)) s;"
                + " node timeout \(Bench.fmt(nodeTimeoutSeconds)) s; longest lease seen \(Bench.fmt(longestLeaseSeconds)) s)"
        )
        print("  5xx seen                 \(serverErrors)  \(serverErrorsByRoute.sorted { $0.key < $1.key })")
        print(
            "  imports pending at end   \(importsPendingAtEnd)  (result recorded; the artifact store had not caught up)"
        )
        print("  503 with Retry-After     \(outageAnswers)  (the designed answer while PostgreSQL is away; retried)")
        print(
            "  context: \(requeuedTasks) tasks requeued after a lost lease, \(artifactsReported) log artifacts imported,"
                + " \(connectionErrors) connection errors retried (\(hungCalls) after hanging 5 s or more), \(artifactUploadRetries) artifact uploads retried,"
                + " \(watchQueriesFailed) watch queries failed, all finished: \(drained)")
        for example in examples { print("  - \(example)") }
        print(passed ? "PASS: every target 0" : "FAIL: a target is not 0")
    }
}
