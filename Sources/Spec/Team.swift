/// A role a team member holds (`teams/*.yml`). ALBS's role names where they exist: `manager`,
/// `contributor`, `signer`; `releaser` is ALBS's `product_maintainer` (release to the products).
package enum TeamRole: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case manager
    case contributor
    case signer
    case releaser

    /// The fixed id `GET /api/v1/roles/` answers (1 manager ... 4 releaser).
    package var id: Int64 {
        switch self {
        case .manager: 1
        case .contributor: 2
        case .signer: 3
        case .releaser: 4
        }
    }

    package static func < (a: TeamRole, b: TeamRole) -> Bool { a.id < b.id }
}

/// One member of a team: a login (the `users.username`) and its roles (distinct, at least one).
package struct TeamMember: Sendable, Hashable, Codable {
    package var login: String
    package var roles: [TeamRole]

    package init(login: String, roles: [TeamRole]) {
        self.login = login
        self.roles = roles
    }
}

/// A team (`teams/*.yml`): who may build, sign and release for the platforms and products
/// (distributions) it owns. The record the reconciler writes as `teams` with `team_members`,
/// `team_platforms` and `team_products`.
package struct Team: Sendable, Hashable, Codable {
    package var name: String
    /// Members sorted by login.
    package var members: [TeamMember]
    /// Platform names the team owns.
    package var platforms: [String]
    /// Distribution names (ALBS products) the team owns.
    package var products: [String]
    /// Where the team is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, members: [TeamMember] = [], platforms: [String] = [], products: [String] = [],
        location: SourceLocation? = nil
    ) {
        self.name = name
        self.members = members
        self.platforms = platforms
        self.products = products
        self.location = location
    }
}

extension Team {
    /// Whether `name` is a valid object name (letters, digits, `. _ + -`, starting with a letter or digit).
    package static func isValidName(_ name: String) -> Bool { FileReader.isValidName(name) }
}
