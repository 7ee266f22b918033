/// A sign task's status, stored as the ALBS integer (`sign_tasks.status`).
package enum SignTaskStatus: Int16, SQLConstant, Codable {
    case idle = 1
    case inProgress = 2
    case completed = 3
    case failed = 4
}
