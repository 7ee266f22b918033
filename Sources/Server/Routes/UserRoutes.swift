import Hummingbird
import Spec
import Store

/// `/api/v1/users` (ALBS's user router): `GET all_users`, `GET {id}/teams`, `GET {id}/roles`
/// (user token); `PUT {id}` (admin: `is_active`, `is_superuser`) and `DELETE {id}/remove`
/// (admin: deactivates, keeping the row and its audit trail). A deactivation is recorded in
/// `audit_events` and announced with `NOTIFY kiln_revocations, 'user:<id>'` in its transaction,
/// and the user's tokens are refused (401) by this process at once (`AccessDirectory`).
func addUserRoutes(
    to users: RouterGroup<KilnRequestContext>, store: UserStore, teams: TeamQueries, access: AccessDirectory
) {
    users.get("all_users") { _, _ -> [UserAnswer] in
        try await store.all().map(UserAnswer.init)
    }

    users.get(":user_id/teams") { _, context -> [UserTeamAnswer] in
        let id = try await existingUser(context, store).id
        return try await teams.teams(ofUser: id).map { UserTeamAnswer(id: $0.id, name: $0.name) }
    }

    users.get(":user_id/roles") { _, context -> [RoleAnswer] in
        let id = try await existingUser(context, store).id
        return try await teams.roles(ofUser: id).map(RoleAnswer.init)
    }

    users.put(":user_id") { request, context -> UserOpResultAnswer in
        let id = try integerParameter(context, "user_id")
        let body = try await RequestBody.decode(UserUpdateBody.self, from: request, context: context)
        if let bodyID = body.id, bodyID != id {
            throw APIError(.unprocessableContent, "id \(bodyID) in the body is not the path's user_id \(id)")
        }
        let actor = try context.caller().userID
        guard
            try await store.update(
                id: id, UserUpdate(isActive: body.isActive, isSuperuser: body.isSuperuser), actor: actor) != nil
        else {
            throw APIError(.notFound, "User \(id) not found")
        }
        if body.isActive == false { access.deactivate(id) } else if body.isActive == true { access.invalidate() }
        return UserOpResultAnswer(success: true, message: "User \(id) updated")
    }

    users.delete(":user_id/remove") { _, context -> UserOpResultAnswer in
        let id = try integerParameter(context, "user_id")
        let actor = try context.caller().userID
        guard try await store.update(id: id, UserUpdate(isActive: false), actor: actor) != nil else {
            throw APIError(.notFound, "User \(id) not found")
        }
        access.deactivate(id)
        return UserOpResultAnswer(
            success: true,
            message: "User with id \(id) has been deactivated: the row and its audit trail are kept")
    }
}

/// The user of the `user_id` path parameter (422 when not an id, 404 when absent).
private func existingUser(_ context: KilnRequestContext, _ store: UserStore) async throws -> UserRecord {
    let id = try integerParameter(context, "user_id")
    guard let user = try await store.user(id: id) else { throw APIError(.notFound, "User \(id) not found") }
    return user
}
