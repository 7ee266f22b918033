import Spec
import Store

/// The team memberships and inactive users the permission check decides with, indexed for
/// lookups per request (built from `Store.AccessRows`).
package struct AccessSnapshot: Sendable, Equatable {
    /// Platform name -> the teams owning it.
    package var owners: [String: Set<String>] = [:]
    /// User id -> team -> roles held there.
    package var roles: [Int64: [String: Set<TeamRole>]] = [:]
    /// Deactivated users: their tokens are refused (401).
    package var inactive: Set<Int64> = []

    package init() {}

    package init(_ rows: AccessRows) {
        for (team, platforms) in rows.teamPlatforms {
            for platform in platforms { owners[platform, default: []].insert(team) }
        }
        for m in rows.memberships { roles[m.userID, default: [:]][m.team, default: []].insert(m.role) }
        inactive = rows.inactiveUsers
    }

    /// Whether some team owning `platform` gives `user` a role satisfying `role`.
    package func user(_ user: Int64, holds role: TeamRole, on platform: String) -> Bool {
        guard let teams = owners[platform], let held = roles[user] else { return false }
        return teams.contains { team in held[team]?.contains { $0.satisfies(role) } ?? false }
    }
}
