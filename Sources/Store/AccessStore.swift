import Logging
import PostgresNIO
import Spec

/// What the API's permission check reads, in one go: team memberships with their roles and
/// owned platforms, and the users that are deactivated. Cached in memory by the server.
package struct AccessRows: Sendable, Hashable {
    /// One role a user holds in a team.
    package struct Membership: Sendable, Hashable {
        package var userID: Int64
        package var team: String
        package var role: TeamRole
    }

    package var memberships: [Membership] = []
    /// Team name -> platform names it owns.
    package var teamPlatforms: [String: [String]] = [:]
    /// `users.is_active = false`.
    package var inactiveUsers: Set<Int64> = []

    package init() {}
}

/// The object a permission rule names: whose platforms decide the teams that may act on it.
package enum AccessObject: Sendable, Hashable {
    case build(Int64)
    case signTask(Int64)
    case buildTask(Int64)
}

/// Queries of the permission check.
package struct AccessStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Every membership, every team's platforms, and the inactive users.
    package func rows() async throws -> AccessRows {
        var out = AccessRows()
        let members = try await client.query(
            """
            SELECT m.user_id, t.name, m.role FROM team_members m JOIN teams t ON t.id = m.team_id
            """, logger: logger)
        for try await (user, team, role) in members.decode((Int64, String, String).self) {
            guard let role = TeamRole(rawValue: role) else { continue }
            out.memberships.append(.init(userID: user, team: team, role: role))
        }
        let platforms = try await client.query(
            "SELECT t.name, p.platform_name FROM team_platforms p JOIN teams t ON t.id = p.team_id", logger: logger)
        for try await (team, platform) in platforms.decode((String, String).self) {
            out.teamPlatforms[team, default: []].append(platform)
        }
        let inactive = try await client.query("SELECT id FROM users WHERE NOT is_active", logger: logger)
        for try await id in inactive.decode(Int64.self) { out.inactiveUsers.insert(id) }
        return out
    }

    /// The names of the platforms `object` is built for (empty when it does not exist).
    package func platforms(of object: AccessObject) async throws -> [String] {
        let rows: PostgresRowSequence
        switch object {
        case .build(let id):
            rows = try await client.query(
                """
                SELECT DISTINCT p.name FROM build_tasks t JOIN platforms p ON p.id = t.platform_id
                WHERE t.build_id = \(id)
                """, logger: logger)
        case .signTask(let id):
            rows = try await client.query(
                """
                SELECT DISTINCT p.name FROM sign_tasks s JOIN build_tasks t ON t.build_id = s.build_id
                JOIN platforms p ON p.id = t.platform_id WHERE s.id = \(id)
                """, logger: logger)
        case .buildTask(let id):
            rows = try await client.query(
                """
                SELECT DISTINCT p.name FROM build_tasks b JOIN build_tasks t ON t.build_id = b.build_id
                JOIN platforms p ON p.id = t.platform_id WHERE b.id = \(id)
                """, logger: logger)
        }
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }
}
