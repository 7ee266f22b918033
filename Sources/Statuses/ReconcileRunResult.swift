/// How a reconcile run ended (`reconcile_runs.result`).
package enum ReconcileRunResult: String, SQLConstant, Codable {
    case running
    case applied
    case noChanges = "no_changes"
    case failed
    case skipped
}
