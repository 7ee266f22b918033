import Hummingbird
import Spec
import Store

/// `/api/v1/platforms`: `GET /` is public (as in current ALBS) and lists platforms with their
/// repositories and the commit that wrote them; the writes (`POST /`, `PUT /`,
/// `PATCH /{id}/add-repositories`, `PATCH /{id}/remove-repositories`) need a user token,
/// validate their body (422) and answer 409 naming the git file to edit, changing nothing.
func addPlatformRoutes(to platforms: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries, git: GitManaged) {
    platforms.get("/") { _, _ -> Response in
        desiredStateJSON(try await queries.platformsJSON())
    }

    platforms.post("/") { request, context -> Response in
        try context.requireScope(.user)
        let body = try await RequestBody.decode(PlatformCreateBody.self, from: request)
        throw git.conflict(kind: "platforms", folder: "platforms", name: body.name)
    }

    platforms.put("/") { request, context -> Response in
        try context.requireScope(.user)
        let body = try await RequestBody.decode(PlatformModifyBody.self, from: request)
        throw git.conflict(kind: "platforms", folder: "platforms", name: body.name)
    }

    for action in ["add-repositories", "remove-repositories"] {
        platforms.patch(":platform_id/\(action)") { request, context -> Response in
            try context.requireScope(.user)
            let id = try integerParameter(context, "platform_id")
            _ = try await RequestBody.decode([Int64].self, from: request)
            guard let platform = try await queries.platform(id: id) else {
                throw APIError(.notFound, "Platform \(id) not found")
            }
            throw git.conflict(kind: "platforms", folder: "platforms", name: platform.name)
        }
    }
}

/// `POST /api/v1/platforms/` body (ALBS `PlatformCreate`).
struct PlatformCreateBody: Decodable {
    enum PlatformType: String, Decodable { case rpm, deb }
    var name: String
    var type: PlatformType
    var distr_type: String
    var distr_version: String
    var test_dist_name: String
    var arch_list: [String]
    var repos: [RepositoryBody]?
    var data: [String: JSONValue]?
}

/// `PUT /api/v1/platforms/` body (ALBS `PlatformModify`): only `name` is required.
struct PlatformModifyBody: Decodable {
    var name: String
    var type: PlatformCreateBody.PlatformType?
    var distr_type: String?
    var distr_version: String?
    var test_dist_name: String?
    var arch_list: [String]?
    var repos: [RepositoryBody]?
    var data: [String: JSONValue]?
}

/// A repository inside a platform write body.
struct RepositoryBody: Decodable {
    var name: String
    var arch: String
    var url: String
    var type: String
    var debug: Bool?
    var production: Bool?
}
