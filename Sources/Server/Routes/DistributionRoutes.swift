import Hummingbird
import Statuses
import Store

/// `/api/v1/distributions`: `GET /` (public, as in ALBS) lists distributions with their
/// platforms; `POST /` (user token) validates its body and answers 409 naming the git file;
/// `POST /add/{build_id}/{distribution}/` and `POST /remove/{build_id}/{distribution}/` (user
/// token) answer 404 for an unknown distribution or build, else 409 with the distribution's file
/// (`name`, `platforms`, `builds`) with the build added or removed (`GitChangeAnswer`).
func addDistributionRoutes(
    to distributions: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries,
    files: ReleaseQueries, git: GitManaged
) {
    distributions.get("/") { _, _ -> [DistributionAnswer] in
        try await queries.distributions().map(DistributionAnswer.init)
    }

    distributions.post("/") { request, context -> Response in
        let body = try await RequestBody.decode(DistributionCreateBody.self, from: request, context: context)
        try InputCheck.text(body.name, "name", maxLength: InputCheck.nameLength, empty: false)
        throw git.conflict(kind: "distributions", folder: "distributions", name: body.name)
    }

    for adding in [true, false] {
        distributions.post("\(adding ? "add" : "remove")/:build_id/:distribution") { request, context -> Response in
            let buildID = try integerParameter(context, "build_id")
            let name = context.parameters.get("distribution") ?? ""
            try InputCheck.text(name, "distribution", maxLength: InputCheck.nameLength, empty: false)
            guard let row = try await files.distributionFile(name: name) else {
                throw APIError(.notFound, "Distribution \(name) not found")
            }
            guard try await files.missingBuilds([buildID]).isEmpty else {
                throw APIError(.notFound, "Build \(buildID) not found")
            }
            var file = DistributionFile(name: row.name, platforms: row.platforms, builds: row.builds)
            let listed = row.builds.contains(buildID)
            let why: String
            switch (adding, listed) {
            case (true, false):
                file.builds = (row.builds + [buildID]).sorted()
                why = "Distributions are managed in git: to add build \(buildID), list it under `builds`"
            case (false, true):
                file.builds.removeAll { $0 == buildID }
                why = "Distributions are managed in git: to remove build \(buildID), drop it from `builds`"
            case (true, true):
                why = "Build \(buildID) is already in distribution \(row.name)"
            case (false, false):
                why = "Build \(buildID) is not in distribution \(row.name)"
            }
            return try git.change(
                row.origin == .api ? .create : .edit, file: git.file(folder: "distributions", name: row.name),
                yaml: try file.yaml(), why: why, unchanged: adding == listed
            ).response(from: request, context: context)
        }
    }
}
