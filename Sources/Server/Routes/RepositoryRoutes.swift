import Hummingbird
import Store

/// `/api/v1/repositories` (user token, as in ALBS): `GET /` lists every repository,
/// `GET /{repository_id}/` reads one (404 with a detail when absent, 422 on a non-integer id).
func addRepositoryRoutes(to repositories: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries) {
    repositories.get("/") { _, context -> Response in
        try context.requireScope(.user)
        return desiredStateJSON(try await queries.repositoriesJSON())
    }

    repositories.get(":repository_id") { _, context -> Response in
        try context.requireScope(.user)
        let id = try integerParameter(context, "repository_id")
        guard let json = try await queries.repositoryJSON(id: id) else {
            throw APIError(.notFound, "Repository \(id) not found")
        }
        return desiredStateJSON(json)
    }
}
