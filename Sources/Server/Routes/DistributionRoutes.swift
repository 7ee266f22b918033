import Hummingbird
import Store

/// `/api/v1/distributions`: `GET /` (public, as in ALBS) lists distributions with their
/// platforms; `POST /` (user token) validates its body and answers 409 naming the git file.
func addDistributionRoutes(
    to distributions: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries,
    git: GitManaged
) {
    distributions.get("/") { _, _ -> [DistributionAnswer] in
        try await queries.distributions().map(DistributionAnswer.init)
    }

    distributions.post("/") { request, context -> Response in
        try context.requireScope(.user)
        let body = try await RequestBody.decode(DistributionCreateBody.self, from: request, context: context)
        try InputCheck.text(body.name, "name", maxLength: InputCheck.nameLength, empty: false)
        throw git.conflict(kind: "distributions", folder: "distributions", name: body.name)
    }
}
