/// A release's status, stored as the ALBS integer (`releases.status`); `reverted` is Kiln's
/// (a committed release whose file now says `state: reverted`, its packages removed again).
package enum ReleaseStatus: Int16, SQLConstant, Codable {
    case scheduled = 1
    case inProgress = 2
    case completed = 3
    case failed = 4
    case reverted = 5
}
