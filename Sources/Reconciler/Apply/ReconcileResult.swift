import Statuses
import Store

/// What one reconcile or apply did.
package struct ReconcileResult: Sendable, Hashable {
    /// The `reconcile_runs` row.
    package var runID: Int64
    package var result: ReconcileRunResult
    /// The plan that was applied (or would have been); nil when skipped.
    package var plan: Plan?
    /// Error messages, per object where possible.
    package var errors: [String]
    package var durationMS: Int
    /// The run failed because the artifact store was unreachable (the loop retries with back-off).
    package var artifactStoreUnavailable: Bool
    /// The syncs from upstream run after the apply (`RepositorySyncRunner`), completed or failed.
    package var syncs: [RepositorySyncRecord] = []

    package init(
        runID: Int64, result: ReconcileRunResult, plan: Plan?, errors: [String], durationMS: Int,
        artifactStoreUnavailable: Bool = false
    ) {
        self.runID = runID
        self.result = result
        self.plan = plan
        self.errors = errors
        self.durationMS = durationMS
        self.artifactStoreUnavailable = artifactStoreUnavailable
    }

    /// True for `applied` and `no_changes`.
    package var succeeded: Bool { result == .applied || result == .noChanges }
}
