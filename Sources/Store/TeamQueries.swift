import Logging
import PostgresNIO
import Spec

/// A `teams` row with its members, roles, platforms and products, for the API.
package struct TeamRow: Sendable, Hashable {
    package struct Member: Sendable, Hashable {
        package var user: UserRecord
        package var roles: [TeamRole]
    }

    package struct Product: Sendable, Hashable {
        package var id: Int64
        package var name: String
    }

    package var id: Int64
    package var name: String
    /// Members by username, each with their sorted roles.
    package var members: [Member]
    package var platforms: [String]
    /// Owned distributions (ALBS products) that exist.
    package var products: [Product]
    /// Owned product names as the file lists them (existing or not).
    package var productNames: [String]
}

/// Reads of teams for `GET /api/v1/teams/` and the users routes.
package struct TeamQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Every team (or the one with `id`), by name.
    package func teams(id: Int64? = nil) async throws -> [TeamRow] {
        var teams: [(Int64, String)] = []
        for try await row in try await client.query(
            "SELECT id, name FROM teams WHERE \(id)::bigint IS NULL OR id = \(id) ORDER BY name", logger: logger
        ).decode((Int64, String).self) { teams.append(row) }
        guard !teams.isEmpty else { return [] }
        let ids = teams.map(\.0)
        var members: [Int64: [Int64: (UserRecord, [TeamRole])]] = [:]
        for try await (team, uid, name, email, superuser, active, role) in try await client.query(
            """
            SELECT m.team_id, u.id, u.username, u.email, u.is_superuser, u.is_active, m.role
            FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = ANY(\(ids)::bigint[])
            """, logger: logger
        ).decode((Int64, Int64, String, String, Bool, Bool, String).self) {
            guard let role = TeamRole(rawValue: role) else { continue }
            let user = UserRecord(id: uid, username: name, email: email, isSuperuser: superuser, isActive: active)
            members[team, default: [:]][uid, default: (user, [])].1.append(role)
        }
        var platforms: [Int64: [String]] = [:]
        for try await (team, name) in try await client.query(
            "SELECT team_id, platform_name FROM team_platforms WHERE team_id = ANY(\(ids)::bigint[])", logger: logger
        ).decode((Int64, String).self) { platforms[team, default: []].append(name) }
        var products: [Int64: [(Int64?, String)]] = [:]
        for try await (team, did, name) in try await client.query(
            """
            SELECT tp.team_id, d.id, tp.product_name FROM team_products tp
            LEFT JOIN distributions d ON d.name = tp.product_name WHERE tp.team_id = ANY(\(ids)::bigint[])
            """, logger: logger
        ).decode((Int64, Int64?, String).self) { products[team, default: []].append((did, name)) }
        return teams.map { id, name in
            let owned = (products[id] ?? []).sorted { $0.1 < $1.1 }
            return TeamRow(
                id: id, name: name,
                members: (members[id] ?? [:]).values.map { TeamRow.Member(user: $0.0, roles: $0.1.sorted()) }
                    .sorted { $0.user.username < $1.user.username },
                platforms: (platforms[id] ?? []).sorted(),
                products: owned.compactMap { p in p.0.map { TeamRow.Product(id: $0, name: p.1) } },
                productNames: owned.map(\.1))
        }
    }

    /// The teams `userID` belongs to (id, name), by name.
    package func teams(ofUser userID: Int64) async throws -> [(id: Int64, name: String)] {
        var out: [(id: Int64, name: String)] = []
        for try await (id, name) in try await client.query(
            """
            SELECT DISTINCT t.id, t.name FROM teams t JOIN team_members m ON m.team_id = t.id
            WHERE m.user_id = \(userID) ORDER BY t.name
            """, logger: logger
        ).decode((Int64, String).self) { out.append((id, name)) }
        return out
    }

    /// The roles `userID` holds in any team, each once.
    package func roles(ofUser userID: Int64) async throws -> [TeamRole] {
        var out = Set<TeamRole>()
        for try await role in try await client.query(
            "SELECT DISTINCT role FROM team_members WHERE user_id = \(userID)", logger: logger
        ).decode(String.self) {
            if let role = TeamRole(rawValue: role) { out.insert(role) }
        }
        return out.sorted()
    }
}
