import Hummingbird
import Store

/// `/api/v1/repositories` (user token, as in ALBS): `GET /` lists every repository,
/// `GET /{repository_id}/` reads one (404 with a detail when absent, 422 on a non-integer id).
func addRepositoryRoutes(to repositories: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries) {
    repositories.get("/") { _, context -> [RepositoryAnswer] in
        try context.requireScope(.user)
        return try await queries.repositories().map(RepositoryAnswer.init)
    }

    repositories.get(":repository_id") { _, context -> RepositoryAnswer in
        try context.requireScope(.user)
        let id = try integerParameter(context, "repository_id")
        guard let row = try await queries.repository(id: id) else {
            throw APIError(.notFound, "Repository \(id) not found")
        }
        return RepositoryAnswer(row)
    }
}
