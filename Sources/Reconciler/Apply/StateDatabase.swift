import Statuses

/// What the reconciler needs from the database: read the desired-state rows as an
/// `ActualState`, write a plan's database changes in ONE transaction, hold the reconcile
/// lock, and keep the audit trail. `PostgresStateDatabase` is the PostgreSQL conformance.
package protocol StateDatabase: Sendable {
    /// The database side of the actual state (`storeRepositories` nil, `storeInUse` filled).
    func readActualState() async throws -> ActualState

    /// Applies the database changes of `changes` (store changes are ignored) in order, in one
    /// transaction, recording `commitSHA` on every written row. All or nothing.
    func apply(_ changes: [Change], commitSHA: String) async throws

    /// Runs `body` holding the cross-process reconcile lock; nil when another holds it.
    func withReconcileLock<T: Sendable>(_ body: () async throws -> T) async throws -> T?

    /// Records the start of a run; returns its id.
    func startRun(trigger: String, commitSHA: String?) async throws -> Int64

    /// Records how a run ended.
    func finishRun(
        id: Int64, commitSHA: String?, plan: Plan?, result: ReconcileRunResult, errors: [String],
        durationMS: Int) async throws

    /// Records a run skipped because another reconcile held the lock.
    func recordSkipped(trigger: String, commitSHA: String?, reason: String) async throws -> Int64

    /// Marks runs left `running` by a process (or connection) that is gone as failed with
    /// `cause`; call only while holding the reconcile lock. Returns their ids.
    func failInterruptedRuns(cause: String) async throws -> [Int64]

    /// Marks run `id` failed with `errors` if it is still `running`; returns whether it was.
    func failRun(id: Int64, errors: [String]) async throws -> Bool
}
