/// A test task's status, stored as the ALBS integer (`test_tasks.status`).
package enum TestTaskStatus: Int16, SQLConstant, Codable, CaseIterable {
    case created = 1
    case started = 2
    case completed = 3
    case failed = 4
    /// Cancelled before ALTS took it, or revoked by ALTS.
    case cancelled = 5
}
