/// A build task's status, stored as the ALBS integer (`build_tasks.status`).
package enum BuildTaskStatus: Int16, SQLConstant, Codable {
    case idle = 0
    case started = 1
    case completed = 2
    case failed = 3
    case excluded = 4
    case cancelled = 5

    /// Idle and started: what a dependent task still waits for.
    package static let unfinished: [BuildTaskStatus] = [.idle, .started]

    /// Anything but idle and started.
    package var isFinished: Bool { !Self.unfinished.contains(self) }
}
