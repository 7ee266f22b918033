import Hummingbird
import Store

/// `/api/v1/repositories` (user token, as in ALBS): `GET /` lists every repository,
/// `GET /{repository_id}/` reads one (404 with a detail when absent, 422 on a non-integer id).
/// A repository synced from upstream carries `sync` with its last recorded sync.
func addRepositoryRoutes(
    to repositories: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries, syncs: RepositorySyncStore
) {
    repositories.get("/") { _, context -> [RepositoryAnswer] in
        let rows = try await queries.repositories()
        let last = try await syncs.latest(of: rows.map(RepositorySyncAnswer.storeName))
        return rows.map { RepositoryAnswer($0, lastSync: last[RepositorySyncAnswer.storeName($0)]) }
    }

    repositories.get(":repository_id") { _, context -> RepositoryAnswer in
        let id = try integerParameter(context, "repository_id")
        guard let row = try await queries.repository(id: id) else {
            throw APIError(.notFound, "Repository \(id) not found")
        }
        let last = try await syncs.latest(of: [RepositorySyncAnswer.storeName(row)])
        return RepositoryAnswer(row, lastSync: last[RepositorySyncAnswer.storeName(row)])
    }
}
