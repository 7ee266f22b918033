/// A release's status, stored as the ALBS integer (`releases.status`).
package enum ReleaseStatus: Int16, SQLConstant, Codable {
    case scheduled = 1
    case inProgress = 2
    case completed = 3
    case failed = 4
}
