/// Why an apply did not happen or did not finish.
package enum ApplyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The state moved since the saved plan was computed.
    case stalePlan(planned: String, current: String)
    /// The plan has store changes but no artifact store is configured.
    case noArtifactStore
    /// The database transaction failed and was rolled back.
    case database(String)

    package var description: String {
        switch self {
        case .stalePlan(let planned, let current):
            return "stale plan: the database or artifact store changed since the plan was made "
                + "(planned against \(planned.prefix(12)), now \(current.prefix(12))); run `kiln plan` again"
        case .noArtifactStore: return "the plan changes the artifact store, but no artifact store is configured"
        case .database(let message): return "database transaction rolled back: \(message)"
        }
    }
}
