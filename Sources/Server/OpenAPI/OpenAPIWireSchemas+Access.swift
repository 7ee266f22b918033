import Foundation
import Spec

/// The team, role, user and audit bodies (`Server/Wire/TeamWire.swift`).
extension OpenAPIWireSchema {
    private static func p(
        _ name: String, _ schema: OpenAPISchema, required: Bool = true, _ description: String? = nil
    ) -> OpenAPISchema.Property {
        .init(name, schema, required: required, description: description)
    }

    private static func answer<T: Codable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in try WireJSON.encoder().encode(try WireJSON.decoder().decode(T.self, from: data)) }
    }

    private static func request<T: Codable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in try WireJSON.encoder().encode(try JSONDecoder().decode(T.self, from: data)) }
    }

    private static let userFields: [OpenAPISchema.Property] = [
        p("id", .id), p("username", .string()), p("email", .string()), p("is_active", .boolean),
        p("is_superuser", .boolean)
    ]

    static let access: [OpenAPIWireSchema] = [
        .init(
            name: "User", description: "A user (ALBS `User`).", schema: .object(userFields),
            roundTrip: answer(UserAnswer.self)),
        .init(
            name: "Role", description: "A role a team member may hold.",
            schema: .object([p("id", .id), p("name", .string(allowed: TeamRole.allCases.map(\.rawValue)))]),
            roundTrip: answer(RoleAnswer.self)),
        .init(
            name: "UserTeam", description: "A team a user belongs to.",
            schema: .object([p("id", .id), p("name", .string())]),
            roundTrip: answer(UserTeamAnswer.self)),
        .init(
            name: "TeamMemberRoles", description: "A member's roles in a team.",
            schema: .object([
                p("username", .string()), p("roles", .array(.string(allowed: TeamRole.allCases.map(\.rawValue))))
            ]),
            roundTrip: answer(TeamAnswer.MemberRoles.self)),
        .init(
            name: "TeamProduct", description: "A distribution (ALBS product) a team owns.",
            schema: .object([p("id", .id), p("name", .string()), p("title", .nullable(.string()))]),
            roundTrip: answer(TeamAnswer.Product.self)),
        .init(
            name: "Team",
            description: "A team declared in git (ALBS `Team`, plus `platforms` and `member_roles`).",
            schema: .object([
                p("id", .id), p("name", .string()), p("members", .array(.ref("User"))),
                p("owner", .nullable(.ref("User")), "The first manager by username."),
                p("products", .array(.ref("TeamProduct"))), p("roles", .array(.ref("Role"))),
                p("platforms", .array(.string()), "Platforms the team owns."),
                p("member_roles", .array(.ref("TeamMemberRoles")), "Each member's roles.")
            ]),
            roundTrip: answer(TeamAnswer.self)),
        .init(
            name: "TeamsPage", description: "A page of teams (ALBS `TeamResponse`).",
            schema: .object([
                p("teams", .array(.ref("Team"))), p("total_teams", .integer()), p("current_page", .integer())
            ]),
            roundTrip: answer(TeamsPageAnswer.self)),
        .init(
            name: "TeamCreate", description: "`POST /api/v1/teams/create/` (ALBS `TeamCreate`).",
            schema: .object([p("team_name", .string()), p("user_id", .id)]), roundTrip: request(TeamCreateBody.self)),
        .init(
            name: "TeamMembersUpdate", description: "Members to add or remove (ALBS `TeamMembersUpdate`).",
            schema: .object([p("members_to_update", .array(.ref("User")))]),
            roundTrip: request(TeamMembersBody.self)),
        .init(
            name: "UserUpdate", description: "`PUT /api/v1/users/{id}` (ALBS `UserUpdate`; `is_verified` is ignored).",
            schema: .object([
                p("id", .id, required: false), p("is_active", .boolean, required: false),
                p("is_verified", .boolean, required: false), p("is_superuser", .boolean, required: false)
            ]),
            roundTrip: request(UserUpdateBody.self)),
        .init(
            name: "AuditEvent", description: "One change of an object: by a user (API) or a commit (git).",
            schema: .object([
                p("id", .id), p("object_kind", .string()), p("object_id", .string()), p("action", .string()),
                p("user_id", .nullable(.id)), p("username", .nullable(.string())),
                p("commit_sha", .nullable(.string())), p("at", .timestamp)
            ]),
            roundTrip: answer(AuditEventAnswer.self))
    ]
}
