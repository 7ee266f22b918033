import Logging
import PostgresNIO
import Spec
import Statuses

extension DesiredStateStore {
    /// Every team with its members' roles (by login) and the platforms and products it owns.
    func readTeams() async throws -> [DesiredStateRows.Row<Team>] {
        var members: [Int64: [String: [TeamRole]]] = [:]
        let memberRows = try await client.query(
            """
            SELECT m.team_id, u.username, m.role FROM team_members m JOIN users u ON u.id = m.user_id
            """, logger: logger)
        for try await (team, login, role) in memberRows.decode((Int64, String, String).self) {
            guard let role = TeamRole(rawValue: role) else {
                throw DesiredStateStoreError.unexpectedValue(column: "team_members.role", value: role)
            }
            members[team, default: [:]][login, default: []].append(role)
        }
        var platforms: [Int64: [String]] = [:]
        for try await (team, name) in try await client.query(
            "SELECT team_id, platform_name FROM team_platforms", logger: logger
        ).decode((Int64, String).self) {
            platforms[team, default: []].append(name)
        }
        var products: [Int64: [String]] = [:]
        for try await (team, name) in try await client.query(
            "SELECT team_id, product_name FROM team_products", logger: logger
        ).decode((Int64, String).self) {
            products[team, default: []].append(name)
        }
        var out: [DesiredStateRows.Row<Team>] = []
        let rows = try await client.query("SELECT id, name, origin FROM teams ORDER BY name", logger: logger)
        for try await (id, name, origin) in rows.decode((Int64, String, String).self) {
            let team = Team(
                name: name,
                members: (members[id] ?? [:]).map { TeamMember(login: $0.key, roles: $0.value.sorted()) }
                    .sorted { $0.login < $1.login },
                platforms: (platforms[id] ?? []).sorted(), products: (products[id] ?? []).sorted())
            out.append(.init(record: team, origin: try Self.origin(origin, "teams")))
        }
        return out
    }

    /// The team row, its members (users missing by login are created, `created_by_team`; they
    /// are the rows a later login links to by username), roles, platforms and products.
    static func upsertTeam(
        _ t: Team, commitSHA sha: String, on conn: PostgresConnection, logger: Logger
    )
        async throws
    {
        let git = Origin.git.rawValue
        let rows = try await conn.query(
            """
            INSERT INTO teams (name, origin, commit_sha) VALUES (\(t.name), \(git), \(sha))
            ON CONFLICT (name) DO UPDATE SET origin = EXCLUDED.origin, commit_sha = EXCLUDED.commit_sha,
              updated_at = now()
            RETURNING id
            """, logger: logger)
        var teamID: Int64 = 0
        for try await id in rows.decode(Int64.self) { teamID = id }
        let logins = t.members.map(\.login)
        try await conn.query(
            """
            INSERT INTO users (username, created_by_team) SELECT login, TRUE FROM unnest(\(logins)::text[]) AS l(login)
            ON CONFLICT (username) DO NOTHING
            """, logger: logger)
        var memberLogins: [String] = []
        var memberRoles: [String] = []
        for member in t.members {
            for role in member.roles {
                memberLogins.append(member.login)
                memberRoles.append(role.rawValue)
            }
        }
        try await conn.query("DELETE FROM team_members WHERE team_id = \(teamID)", logger: logger)
        try await conn.query(
            """
            INSERT INTO team_members (team_id, user_id, role)
            SELECT \(teamID), u.id, m.role FROM unnest(\(memberLogins)::text[], \(memberRoles)::text[]) AS m(login, role)
            JOIN users u ON u.username = m.login
            """, logger: logger)
        try await conn.query("DELETE FROM team_platforms WHERE team_id = \(teamID)", logger: logger)
        try await conn.query(
            """
            INSERT INTO team_platforms (team_id, platform_name)
            SELECT \(teamID), name FROM unnest(\(t.platforms)::text[]) AS p(name)
            """, logger: logger)
        try await conn.query("DELETE FROM team_products WHERE team_id = \(teamID)", logger: logger)
        try await conn.query(
            """
            INSERT INTO team_products (team_id, product_name)
            SELECT \(teamID), name FROM unnest(\(t.products)::text[]) AS p(name)
            """, logger: logger)
    }
}
