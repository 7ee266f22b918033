import Spec

/// The team, role, user and audit routes (`TeamRoutes`, `UserRoutes`, `AuditRoutes`): ALBS paths;
/// the team writes answer 409 with the git change to make (`GitChange`).
extension OpenAPIOperation {
    private static func op(
        _ method: String, _ path: String, _ id: String, tag: String, _ summary: String,
        scopes: [AuthScope] = [], parameters: [Parameter] = [], body: OpenAPISchema? = nil,
        example: JSONValue? = nil, _ responses: [Answer]
    ) -> OpenAPIOperation {
        OpenAPIOperation(
            method: method, path: path, id: id, tag: tag, summary: summary, scopes: scopes,
            parameters: parameters, body: body, bodyExample: example, responses: responses)
    }

    private static let gitChange = Answer(
        409,
        "Teams live in git (`teams/*.yml`): `file` to add, edit or delete, `yaml` the whole file (also in "
            + "`detail`); nothing was changed.", .ref("GitChange"))

    private static let teamID = Parameter.path("team_id", minimum: 1)
    private static let userID = Parameter.path("user_id", minimum: 1)

    static let access: [OpenAPIOperation] = [
        op(
            "get", "/api/v1/teams/", "listTeams", tag: "teams", "List teams declared in git (public).",
            parameters: [
                Parameter(
                    name: "pageNumber", location: .query, schema: .integer(minimum: 1), required: false,
                    description: "A page of 10 teams (`TeamsPage`); without it, every team as a list.",
                    example: .int(1))
            ],
            [
                Answer(200, "Every team, or one page.", .oneOf([.array(.ref("Team")), .ref("TeamsPage")])),
                .error(422, "pageNumber is not a positive integer.")
            ]),
        op(
            "get", "/api/v1/teams/{team_id}/", "getTeam", tag: "teams", "Read a team (public).",
            parameters: [teamID], [Answer(200, "The team.", .ref("Team")), .error(404, "No such team.")]),
        op(
            "post", "/api/v1/teams/create/", "createTeam", tag: "teams",
            "Refused: teams live in git. Answers the file to add, the user as its manager.", scopes: [.user],
            body: .ref("TeamCreate"), example: .object(["team_name": .string("core"), "user_id": .int(1)]),
            [.error(404, "No such user."), gitChange]),
        op(
            "post", "/api/v1/teams/{team_id}/members/add/", "addTeamMembers", tag: "teams",
            "Refused: teams live in git. Answers the team's file with the users added as contributors.",
            scopes: [.user], parameters: [teamID], body: .ref("TeamMembersUpdate"),
            example: .object(["members_to_update": .array([])]), [.error(404, "No such team or user."), gitChange]),
        op(
            "post", "/api/v1/teams/{team_id}/members/remove/", "removeTeamMembers", tag: "teams",
            "Refused: teams live in git. Answers the team's file without the users.", scopes: [.user],
            parameters: [teamID], body: .ref("TeamMembersUpdate"),
            example: .object(["members_to_update": .array([])]), [.error(404, "No such team or user."), gitChange]),
        op(
            "delete", "/api/v1/teams/{team_id}/remove/", "removeTeam", tag: "teams",
            "Refused: teams live in git. Answers the file to delete.", scopes: [.user], parameters: [teamID],
            [.error(404, "No such team."), gitChange]),
        op(
            "get", "/api/v1/roles/", "listRoles", tag: "teams",
            "The roles a team file may give: manager, contributor, signer, releaser.", scopes: [.user],
            [Answer(200, "The roles.", .array(.ref("Role")))]),
        op(
            "get", "/api/v1/users/all_users", "listUsers", tag: "users", "Every user.", scopes: [.user],
            [Answer(200, "The users.", .array(.ref("User")))]),
        op(
            "get", "/api/v1/users/{user_id}/teams", "getUserTeams", tag: "users", "The teams a user belongs to.",
            scopes: [.user], parameters: [userID],
            [Answer(200, "The teams.", .array(.ref("UserTeam"))), .error(404, "No such user.")]),
        op(
            "get", "/api/v1/users/{user_id}/roles", "getUserRoles", tag: "users",
            "The roles a user holds in any team.", scopes: [.user], parameters: [userID],
            [Answer(200, "The roles.", .array(.ref("Role"))), .error(404, "No such user.")]),
        op(
            "put", "/api/v1/users/{user_id}", "updateUser", tag: "users",
            "Activate or deactivate a user, or make them an admin (admin token).", scopes: [.admin],
            parameters: [userID], body: .ref("UserUpdate"), example: .object(["is_active": .bool(true)]),
            [Answer(200, "Done.", .ref("UserOpResult")), .error(404, "No such user.")]),
        op(
            "delete", "/api/v1/users/{user_id}/remove", "removeUser", tag: "users",
            "Deactivate a user (admin token): the row and its audit trail are kept, its tokens refused.",
            scopes: [.admin], parameters: [userID],
            [Answer(200, "Done.", .ref("UserOpResult")), .error(404, "No such user.")]),
        op(
            "get", "/api/v1/audit/", "listAuditEvents", tag: "audit",
            "Who changed an object and when, newest first: a user (API) or a commit SHA (git).", scopes: [.user],
            parameters: [
                Parameter(
                    name: "object", location: .query, schema: .string(), required: true,
                    description: "`<kind>:<id>` (`build:12`, `team:core`, `user:3`) or `<kind>` alone.",
                    example: .string("team:core"))
            ],
            [
                Answer(200, "The events.", .array(.ref("AuditEvent"))),
                .error(422, "object is missing or not `<kind>:<id>`.")
            ])
    ]
}
