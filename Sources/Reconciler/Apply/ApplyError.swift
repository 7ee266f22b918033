/// Why an apply did not happen or did not finish.
package enum ApplyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The state moved since the saved plan was computed.
    case stalePlan(planned: String, current: String)
    /// The plan has store changes but no artifact store is configured.
    case noArtifactStore
    /// The database transaction failed and was rolled back.
    case database(String)
    /// The placement of these releases changed since the saved plan was computed.
    case staleReleases([String])

    package var description: String {
        switch self {
        case .stalePlan(let planned, let current):
            return "stale plan: the database or artifact store changed since the plan was made "
                + "(planned against \(planned.prefix(12)), now \(current.prefix(12))); run `kiln plan` again"
        case .noArtifactStore: return "the plan changes the artifact store, but no artifact store is configured"
        case .database(let message): return "database transaction rolled back: \(message)"
        case .staleReleases(let names):
            return "stale plan: the placement of release(s) \(names.joined(separator: ", ")) changed since the plan "
                + "was made (packages signed, tested or published since); run `kiln plan` again"
        }
    }
}

/// A run that started (its row is `running`) but could not record its end: `underlying` is why
/// (typically the database going away). The reconcile loop marks the run failed once it can.
package struct ReconcileInterrupted: Error, Sendable, CustomStringConvertible {
    package var runID: Int64
    package var underlying: any Error

    package init(runID: Int64, underlying: any Error) {
        self.runID = runID
        self.underlying = underlying
    }

    package var description: String { "reconcile run \(runID) interrupted: \(underlying)" }
}
