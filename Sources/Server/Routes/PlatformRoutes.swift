import Hummingbird
import Spec
import Store

/// `/api/v1/platforms`: `GET /` is public (as in current ALBS) and lists platforms with their
/// repositories and the commit that wrote them; the writes (`POST /`, `PUT /`,
/// `PATCH /{id}/add-repositories`, `PATCH /{id}/remove-repositories`) need a user token,
/// validate their body (422) and answer 409 naming the git file to edit, changing nothing.
func addPlatformRoutes(to platforms: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries, git: GitManaged) {
    platforms.get("/") { _, _ -> [PlatformAnswer] in
        try await queries.platforms().map(PlatformAnswer.init)
    }

    platforms.post("/") { request, context -> Response in
        let body = try await RequestBody.decode(PlatformCreateBody.self, from: request, context: context)
        try InputCheck.text(body.name, "name", maxLength: InputCheck.nameLength, empty: false)
        throw git.conflict(kind: "platforms", folder: "platforms", name: body.name)
    }

    platforms.put("/") { request, context -> Response in
        let body = try await RequestBody.decode(PlatformModifyBody.self, from: request, context: context)
        try InputCheck.text(body.name, "name", maxLength: InputCheck.nameLength, empty: false)
        throw git.conflict(kind: "platforms", folder: "platforms", name: body.name)
    }

    for action in ["add-repositories", "remove-repositories"] {
        platforms.patch(":platform_id/\(action)") { request, context -> Response in
            let id = try integerParameter(context, "platform_id")
            let ids = try await RequestBody.decode([Int64].self, from: request, context: context)
            try InputCheck.count(ids.count, "repository ids", limit: RequestLimits.maxArrayItems)
            for id in ids { try InputCheck.id(id, "repository ids") }
            guard let platform = try await queries.platform(id: id) else {
                throw APIError(.notFound, "Platform \(id) not found")
            }
            throw git.conflict(kind: "platforms", folder: "platforms", name: platform.name)
        }
    }
}
