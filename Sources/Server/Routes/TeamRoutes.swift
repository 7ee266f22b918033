import Hummingbird
import Spec
import Store

/// `/api/v1/teams` and `/api/v1/roles` (ALBS's team and role routers). Teams are declared in git
/// (`teams/<name>.yml`): `GET /` (public; `pageNumber` for ALBS's page shape) and `GET /{id}/`
/// read them; `POST /create/`, `POST /{id}/members/add/`, `POST /{id}/members/remove/` and
/// `DELETE /{id}/remove/` check the body and ids (4xx), then answer 409 with the file to commit
/// (`GitChangeAnswer`), changing nothing. `GET /api/v1/roles/` lists the fixed roles.
func addTeamRoutes(
    teams: RouterGroup<KilnRequestContext>, roles: RouterGroup<KilnRequestContext>, queries: TeamQueries,
    users: UserStore, git: GitManaged
) {
    let why = "Teams are managed in git"
    let pageSize = 10

    teams.get("/") { request, context -> Response in
        let all = try await queries.teams().map(TeamAnswer.init)
        guard let page = try ListQueryParameters.pageNumber(request.uri.queryParameters) else {
            return try all.response(from: request, context: context)
        }
        // A page past the end is empty (no arithmetic on an arbitrarily large page number).
        let skip = page > all.count / pageSize + 1 ? all.count : (page - 1) * pageSize
        let slice = Array(all.dropFirst(skip).prefix(pageSize))
        return try TeamsPageAnswer(teams: slice, totalTeams: all.count, currentPage: page)
            .response(from: request, context: context)
    }

    teams.get(":team_id") { _, context -> TeamAnswer in
        TeamAnswer(try await team(context, queries))
    }

    teams.post("create") { request, context -> Response in
        let body = try await RequestBody.decode(TeamCreateBody.self, from: request, context: context)
        try InputCheck.text(body.teamName, "team_name", maxLength: InputCheck.nameLength, empty: false)
        try InputCheck.id(body.userID, "user_id")
        guard Team.isValidName(body.teamName) else {
            throw APIError(
                .unprocessableContent,
                "team_name must be letters, digits, '.', '_', '+' or '-' (starting with a letter or digit)")
        }
        guard let user = try await users.user(id: body.userID) else {
            throw APIError(.notFound, "User \(body.userID) not found")
        }
        let file = git.file(folder: SpecKind.team.folder, name: body.teamName)
        if let existing = try await queries.teams().first(where: { $0.name == body.teamName }) {
            return try git.change(
                .edit, file: file, yaml: try TeamFile(existing).yaml(), why: "Team \(body.teamName) already exists",
                unchanged: true
            ).response(from: request, context: context)
        }
        let yaml = try TeamFile(name: body.teamName, members: [TeamMember(login: user.username, roles: [.manager])])
            .yaml()
        return try git.change(.create, file: file, yaml: yaml, why: why + ": to create a team, add its file")
            .response(from: request, context: context)
    }

    for adding in [true, false] {
        teams.post(":team_id/members/\(adding ? "add" : "remove")") { request, context -> Response in
            let row = try await team(context, queries)
            let body = try await RequestBody.decode(TeamMembersBody.self, from: request, context: context)
            try InputCheck.count(body.membersToUpdate.count, "members_to_update", limit: RequestLimits.maxArrayItems)
            var logins: [String] = []
            for member in body.membersToUpdate {
                try InputCheck.id(member.id, "members_to_update.id")
                guard let user = try await users.user(id: member.id) else {
                    throw APIError(.notFound, "User \(member.id) not found")
                }
                logins.append(user.username)
            }
            var file = TeamFile(row)
            let present = Set(file.members.map(\.login))
            if adding {
                // New members join as contributors; the file says otherwise once edited.
                file.members += Set(logins).subtracting(present).sorted().map {
                    TeamMember(login: $0, roles: [.contributor])
                }
            } else {
                file.members.removeAll { logins.contains($0.login) }
            }
            let unchanged = adding ? Set(logins).isSubset(of: present) : present.isDisjoint(with: logins)
            return try git.change(
                .edit, file: git.file(folder: SpecKind.team.folder, name: row.name), yaml: try file.yaml(),
                why: unchanged
                    ? "Team \(row.name) already \(adding ? "has" : "lacks") these members"
                    : why + ": to \(adding ? "add" : "remove") members, edit `members`",
                unchanged: unchanged
            ).response(from: request, context: context)
        }
    }

    teams.delete(":team_id/remove") { request, context -> Response in
        let row = try await team(context, queries)
        return try git.change(
            .delete, file: git.file(folder: SpecKind.team.folder, name: row.name), yaml: nil,
            why: why + ": to remove team \(row.name), delete its file"
        ).response(from: request, context: context)
    }

    roles.get("/") { _, _ -> [RoleAnswer] in
        TeamRole.allCases.map(RoleAnswer.init)
    }
}

/// The team of the `team_id` path parameter (422 when not an id, 404 when absent).
private func team(_ context: KilnRequestContext, _ queries: TeamQueries) async throws -> TeamRow {
    let id = try integerParameter(context, "team_id")
    guard let row = try await queries.teams(id: id).first else {
        throw APIError(.notFound, "Team \(id) not found")
    }
    return row
}
