import Foundation
import Hummingbird
import Spec
import Store
import Yams

/// ALBS's `User`: `GET /api/v1/users/all_users` and a team's members.
package struct UserAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var id: Int64
    package var username: String
    package var email: String
    package var isActive: Bool
    package var isSuperuser: Bool

    enum CodingKeys: String, CodingKey {
        case id, username, email
        case isActive = "is_active"
        case isSuperuser = "is_superuser"
    }
}

extension UserAnswer {
    package init(_ user: UserRecord) {
        self.init(
            id: user.id, username: user.username, email: user.email, isActive: user.isActive,
            isSuperuser: user.isSuperuser)
    }
}

/// ALBS's `Role`: `GET /api/v1/roles/` and `GET /api/v1/users/{id}/roles` (the fixed roles of `TeamRole`).
package struct RoleAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var id: Int64
    package var name: String
}

extension RoleAnswer {
    package init(_ role: TeamRole) {
        self.init(id: role.id, name: role.rawValue)
    }
}

/// ALBS's `UserTeam`: `GET /api/v1/users/{id}/teams`.
package struct UserTeamAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var id: Int64
    package var name: String
}

/// ALBS's `Team`, plus Kiln's `platforms` (owned platforms) and `member_roles` (each member's roles).
/// `owner` is the first manager by username; `roles` the roles its members hold.
package struct TeamAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    /// One member's roles in the team.
    package struct MemberRoles: Codable, Sendable, Equatable {
        package var username: String
        package var roles: [String]
    }

    package struct Product: Codable, Sendable, Equatable {
        package var id: Int64
        package var name: String
        @Nullable package var title: String?
    }

    package var id: Int64
    package var name: String
    package var members: [UserAnswer]
    @Nullable package var owner: UserAnswer?
    package var products: [Product]
    package var roles: [RoleAnswer]
    package var platforms: [String]
    package var memberRoles: [MemberRoles]

    enum CodingKeys: String, CodingKey {
        case id, name, members, owner, products, roles, platforms
        case memberRoles = "member_roles"
    }
}

extension TeamAnswer {
    package init(_ row: TeamRow) {
        let manager = row.members.first { $0.roles.contains(.manager) }
        self.init(
            id: row.id, name: row.name, members: row.members.map { UserAnswer($0.user) },
            owner: manager.map { UserAnswer($0.user) },
            products: row.products.map { Product(id: $0.id, name: $0.name, title: nil) },
            roles: Set(row.members.flatMap(\.roles)).sorted().map(RoleAnswer.init),
            platforms: row.platforms,
            memberRoles: row.members.map { MemberRoles(username: $0.user.username, roles: $0.roles.map(\.rawValue)) })
    }
}

/// ALBS's `TeamResponse`: a page of teams (`GET /api/v1/teams/?pageNumber=`).
package struct TeamsPageAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var teams: [TeamAnswer]
    package var totalTeams: Int
    package var currentPage: Int

    enum CodingKeys: String, CodingKey {
        case teams
        case totalTeams = "total_teams"
        case currentPage = "current_page"
    }
}

/// ALBS's `TeamCreate`: `POST /api/v1/teams/create/`.
struct TeamCreateBody: Codable, Sendable, Equatable {
    var teamName: String
    var userID: Int64

    enum CodingKeys: String, CodingKey {
        case teamName = "team_name"
        case userID = "user_id"
    }
}

/// ALBS's `TeamMembersUpdate`: `POST /api/v1/teams/{id}/members/add/` and `remove/`.
struct TeamMembersBody: Codable, Sendable, Equatable {
    var membersToUpdate: [UserAnswer]

    enum CodingKeys: String, CodingKey {
        case membersToUpdate = "members_to_update"
    }
}

/// ALBS's `UserUpdate`: `PUT /api/v1/users/{id}` (`id`, when sent, must be the path's;
/// `is_verified` is accepted and ignored: Kiln verifies nobody by mail).
struct UserUpdateBody: Codable, Sendable, Equatable {
    var id: Int64?
    var isActive: Bool?
    var isVerified: Bool?
    var isSuperuser: Bool?

    enum CodingKeys: String, CodingKey {
        case id
        case isActive = "is_active"
        case isVerified = "is_verified"
        case isSuperuser = "is_superuser"
    }
}

/// One change of an object: `GET /api/v1/audit/?object=kind:id`.
package struct AuditEventAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var id: Int64
    package var objectKind: String
    package var objectID: String
    package var action: String
    @Nullable package var userID: Int64?
    @Nullable package var username: String?
    @Nullable package var commitSHA: String?
    package var at: Date

    enum CodingKeys: String, CodingKey {
        case id, action, username, at
        case objectKind = "object_kind"
        case objectID = "object_id"
        case userID = "user_id"
        case commitSHA = "commit_sha"
    }
}

/// A team's file in the desired-state repository (`teams/<name>.yml`), as a 409 proposes it.
struct TeamFile: Sendable, Equatable {
    var name: String
    var members: [TeamMember]
    var platforms: [String]
    var products: [String]

    init(_ row: TeamRow) {
        name = row.name
        members = row.members.map { TeamMember(login: $0.user.username, roles: $0.roles) }
        platforms = row.platforms
        products = row.productNames
    }

    init(name: String, members: [TeamMember]) {
        self.name = name
        self.members = members
        platforms = []
        products = []
    }

    func yaml() throws -> String {
        func text(_ value: String) -> Node { .scalar(value.represented()) }
        func list(_ values: [String]) -> Node { .sequence(Node.Sequence(values.map(text))) }
        var pairs: [(Node, Node)] = [(text("name"), text(name))]
        pairs.append(
            (
                text("members"),
                .sequence(
                    Node.Sequence(
                        members.sorted { $0.login < $1.login }.map { member in
                            .mapping(
                                Node.Mapping([
                                    (text("login"), text(member.login)),
                                    (text("roles"), list(member.roles.sorted().map(\.rawValue)))
                                ]))
                        }))
            ))
        if !platforms.isEmpty { pairs.append((text("platforms"), list(platforms))) }
        if !products.isEmpty { pairs.append((text("products"), list(products))) }
        return try Yams.serialize(node: .mapping(Node.Mapping(pairs)))
    }
}
