/// The result a build node reports for a task in `build_done` (`status` on the wire).
package enum BuildTaskOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case done, failed, excluded

    /// The task status it leads to.
    package var status: BuildTaskStatus {
        switch self {
        case .done: .completed
        case .failed: .failed
        case .excluded: .excluded
        }
    }
}
