import Hummingbird
import Store

/// `/api/v1/projects`: `GET /alma` (the `rpms` organization) and `GET /alma/modularity` (the
/// `modules` organization), user token, served from the cache `ProjectRefresher` keeps
/// (`forge_projects`); empty until the first refresh, or when `KILN_GITEA_URL` is unset.
func addProjectRoutes(to projects: RouterGroup<KilnRequestContext>, dependencies: ServerDependencies) {
    let settings = dependencies.settings.projects
    @Sendable func list(_ organization: String) async throws -> [ProjectAnswer] {
        guard settings.giteaURL != nil else { return [] }
        let store = ForgeProjectStore(client: dependencies.currentDatabase, logger: dependencies.logger)
        return try await store.projects(of: organization).map(ProjectAnswer.init)
    }
    projects.get("alma") { request, context -> Response in
        return try WireAnswer(.ok, try await list(settings.rpmsOrganization)).response(from: request, context: context)
    }
    projects.get("alma/modularity") { request, context -> Response in
        return try WireAnswer(.ok, try await list(settings.modulesOrganization)).response(
            from: request, context: context)
    }
}
