import Hummingbird
import Statuses
import Store

/// `/api/v1/releases` (ALBS's release router). Reads are public: `GET /` lists releases newest
/// first (`ReleaseListQuery`: `platform_id`, `platform`, `status`; `pageNumber` for ALBS's page
/// shape, else at most `KILN_MAX_LIST_ITEMS` as a list), `GET /{id}/` reads one with its placement.
/// Releases are declared in git (`releases/<name>.yml`), so the writes (`POST /new/`,
/// `PUT /{id}/`, `POST /{id}/commit/`, `POST /{id}/revert/`, `DELETE /{id}/delete`) need a user
/// token, check the body and the ids (4xx), then answer 409 with the file to add, edit or delete
/// and its YAML (`GitChangeAnswer`), changing nothing.
func addReleaseRoutes(
    to releases: RouterGroup<KilnRequestContext>, queries: ReleaseQueries, git: GitManaged,
    limits: RequestLimits
) {
    let why = "Releases are managed in git"

    releases.get("/") { request, context -> Response in
        let query = try ReleaseListQuery(request.uri.queryParameters)
        if let page = query.page {
            let (total, rows) = try await queries.releasesPage(
                query.filter, page: page, pageSize: ReleaseListQuery.pageSize)
            return try ReleasesPageAnswer(
                releases: rows.map(ReleaseAnswer.init), totalReleases: total, currentPage: page
            ).response(from: request, context: context)
        }
        // Unpaginated: at most `maxListItems` releases (one more is read to tell).
        let limit = limits.maxListItems
        let (_, rows) = try await queries.releases(query.filter, limit: limit + 1, offset: 0)
        guard rows.count <= limit else {
            throw APIError(
                .unprocessableContent,
                "There are more than \(limit) releases, the most one list answers (KILN_MAX_LIST_ITEMS): "
                    + "page through them with ?pageNumber=1, 2, ...")
        }
        return try rows.map(ReleaseAnswer.init).response(from: request, context: context)
    }

    releases.get(":release_id") { _, context -> ReleaseDetailAnswer in
        ReleaseDetailAnswer(try await release(context, queries))
    }

    releases.post("new") { request, context -> Response in
        let body = try await RequestBody.decode(ReleaseCreateBody.self, from: request, context: context)
        try body.check()
        guard let platform = try await queries.platform(id: body.platformID) else {
            throw APIError(.notFound, "Platform \(body.platformID) not found")
        }
        var reference: ReleaseQueries.PlatformRef?
        if let id = body.referencePlatformID {
            guard let found = try await queries.platform(id: id) else {
                throw APIError(.notFound, "Reference platform \(id) not found")
            }
            reference = found
        }
        try await requireBuilds(body.builds, queries)
        let name = "\(platform.name.lowercased())-release-\(body.builds[0])"
        let file = ReleaseFile(
            name: name, platform: platform.name, referencePlatform: reference?.name, builds: body.builds,
            packages: [], state: .planned)
        return try git.change(
            .create, file: git.file(folder: "releases", name: name), yaml: try file.yaml(),
            why: "\(why) (pick another name if \(name) is taken)"
        ).response(from: request, context: context)
    }

    releases.put(":release_id") { request, context -> Response in
        let id = try integerParameter(context, "release_id")
        let body = try await RequestBody.decode(ReleaseUpdateBody.self, from: request, context: context)
        try body.check()
        guard let row = try await queries.release(id: id) else { throw notFound(id) }
        var file = ReleaseFile(row)
        if let builds = body.builds {
            try await requireBuilds(builds, queries)
            file.builds = builds
        }
        if let packages = body.plan?.packages { file.packages = packages }
        return try git.change(
            row.origin == .api ? .create : .edit, file: git.file(folder: "releases", name: file.name),
            yaml: try file.yaml(), why: why
        ).response(from: request, context: context)
    }

    let targets: [(action: String, state: ReleaseQueries.DesiredState)] = [
        ("commit", .committed), ("revert", .reverted)
    ]
    for (action, state) in targets {
        releases.post(":release_id/\(action)") { request, context -> Response in
            let row = try await release(context, queries)
            var file = ReleaseFile(row)
            file.state = state
            let already =
                row.desiredState == state ? " (release \(file.name) already says `state: \(state.rawValue)`)" : ""
            return try git.change(
                row.origin == .api ? .create : .edit, file: git.file(folder: "releases", name: file.name),
                yaml: try file.yaml(), why: "\(why): to \(action) a release, set `state: \(state.rawValue)`\(already)"
            ).response(from: request, context: context)
        }
    }

    releases.delete(":release_id/delete") { request, context -> Response in
        let row = try await release(context, queries)
        var file = ReleaseFile(row)
        let path = git.file(folder: "releases", name: file.name)
        if row.desiredState == .committed || row.status == .completed || row.status == .inProgress {
            file.state = .reverted
            return try git.change(
                .edit, file: path, yaml: try file.yaml(),
                why: "\(why): release \(file.name) is committed and cannot be deleted; set `state: reverted` instead"
            ).response(from: request, context: context)
        }
        return try git.change(.delete, file: path, yaml: nil, why: why).response(from: request, context: context)
    }
}

/// The release of the `release_id` path parameter (422 for a non-integer, 404 when absent).
private func release(
    _ context: KilnRequestContext, _ queries: ReleaseQueries
) async throws
    -> ReleaseQueries.ReleaseRow
{
    let id = try integerParameter(context, "release_id")
    guard let row = try await queries.release(id: id) else { throw notFound(id) }
    return row
}

private func notFound(_ id: Int64) -> APIError {
    APIError(.notFound, "Release \(id) not found")
}

/// 404 naming the ids of `builds` that are no build.
private func requireBuilds(_ builds: [Int64], _ queries: ReleaseQueries) async throws {
    let missing = try await queries.missingBuilds(builds)
    guard missing.isEmpty else {
        let list = missing.prefix(20).map(String.init).joined(separator: ", ")
        throw APIError(.notFound, "Build\(missing.count == 1 ? "" : "s") \(list) not found")
    }
}
