import Foundation
import Hummingbird
import Reconciler
import Store

/// How long `POST /api/v1/reconcile` waits for the run before answering 202.
let reconcileQuickWait: Duration = .seconds(2)

/// `/api/v1/reconcile`: `POST /` (admin token) reconciles now and answers the finished run
/// (200; `result` is `skipped` when another process holds the lock), or 202 with the run id
/// when it takes longer than `reconcileQuickWait`; `GET /runs?page=N` lists runs newest first
/// (20 a page, without plans); `GET /runs/{id}` reads one with its plan.
func addReconcileRoutes(
    to reconcile: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries,
    loop: ReconcileLoop?
) {
    reconcile.post("/") { request, context -> Response in
        guard let loop else {
            throw APIError(
                .serviceUnavailable, "No desired-state repository is configured: start kiln serve with --repo")
        }
        let box = ReconcileOutcome()
        Task {
            let result = await loop.reconcileNow(trigger: "api")
            let error = result == nil ? await loop.lastError : nil
            let outage = result == nil ? await loop.lastOutage : nil
            await box.set(result, error: error, outage: outage)
        }
        let deadline = ContinuousClock.now + reconcileQuickWait
        while ContinuousClock.now < deadline {
            if let done = await box.outcome {
                guard let result = done.result else {
                    if let outage = done.outage { throw APIError.databaseUnavailable(outage) }
                    throw APIError(
                        .unprocessableContent,
                        "The desired state could not be read: \(done.error ?? "unknown error")")
                }
                guard let run = try await queries.reconcileRun(id: result.runID) else {
                    throw APIError(.notFound, "Reconcile run \(result.runID) not found")
                }
                return try ReconcileRunAnswer(run).response(from: request, context: context)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let runID = try await queries.latestRunningRunID(trigger: "api")
        let running = ReconcileRunningAnswer(
            status: "running", runID: runID, detail: "The reconcile is still running: see GET /api/v1/reconcile/runs")
        return try WireAnswer(.accepted, running).response(from: request, context: context)
    }

    reconcile.get("runs") { request, context -> ReconcileRunsPageAnswer in
        var page = 1
        if let raw = request.uri.queryParameters["page"] {
            guard let value = Int(String(raw)), value >= 1 else {
                let shown = raw.count > 64 ? String(raw.prefix(64)) + "..." : String(raw)
                throw APIError(.unprocessableContent, "page must be a positive integer, got '\(shown)'")
            }
            page = value
        }
        return ReconcileRunsPageAnswer(try await queries.reconcileRunsPage(page: page))
    }

    reconcile.get("runs/:run_id") { _, context -> ReconcileRunAnswer in
        let id = try integerParameter(context, "run_id")
        guard let run = try await queries.reconcileRun(id: id) else {
            throw APIError(.notFound, "Reconcile run \(id) not found")
        }
        return try ReconcileRunAnswer(run)
    }
}

/// The result of a reconcile started by the API, filled in when it ends.
private actor ReconcileOutcome {
    struct Done: Sendable {
        var result: ReconcileResult?
        var error: String?
        /// Set when the run failed because the database was unreachable (answered 503).
        var outage: String?
    }
    private(set) var outcome: Done?

    func set(_ result: ReconcileResult?, error: String?, outage: String?) {
        outcome = Done(result: result, error: error, outage: outage)
    }
}
