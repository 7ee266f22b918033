import Foundation
import Hummingbird
import Store

/// Registers the desired-state routes on the `/api/v1` group: platforms, distributions,
/// repositories, sign keys (reads from PostgreSQL; writes answer 409 pointing at git),
/// `POST reconcile`, reconcile runs and push webhooks.
/// Owned and filled by the Reconciler side; `KilnServer.makeRouter` calls it once.
func addDesiredStateRoutes(to api: RouterGroup<KilnRequestContext>, dependencies: ServerDependencies) {
    let queries = DesiredStateQueries(client: dependencies.database, logger: dependencies.logger)
    let git = GitManaged(source: dependencies.desiredStateSource)
    addPlatformRoutes(to: api.group("platforms"), queries: queries, git: git)
    addDistributionRoutes(to: api.group("distributions"), queries: queries, git: git)
    addFlavorRoutes(to: api.group("platform_flavors"), queries: queries)
    addRepositoryRoutes(
        to: api.group("repositories"), queries: queries,
        syncs: RepositorySyncStore(client: dependencies.database, logger: dependencies.logger))
    addSignKeyRoutes(to: api.group("sign-keys"), queries: queries, git: git)
    addReconcileRoutes(to: api.group("reconcile"), queries: queries, loop: dependencies.reconcileLoop)
    addWebhookRoutes(to: api.group("webhooks"), settings: dependencies.webhooks, loop: dependencies.reconcileLoop)
}

/// Builds the 409 answers of ALBS write endpoints: desired state changes only through git.
struct GitManaged: Sendable {
    let source: DesiredStateSource?

    /// `409 {"detail": "<kind> are managed in git: edit <folder>/<name>.yml in <repo> and open a pull request"}`.
    func conflict(kind: String, folder: String, name: String?) -> APIError {
        let file =
            [source?.path, folder].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
            + "/" + (name.map { "\($0).yml" } ?? "<name>.yml")
        let location =
            source.map { "in \($0.repository)" + ($0.ref.map { " (branch \($0))" } ?? "") }
            ?? "in the desired-state git repository"
        return APIError(
            .conflict,
            "\(kind) are managed in git: edit \(file) (or the file that defines it) \(location) "
                + "and open a pull request; Kiln applies it once merged. Nothing was changed.")
    }
}

/// The id path parameter `name`: 422 with a detail when it is not a positive 64-bit integer
/// (the raw text is quoted at most 64 characters long).
func integerParameter(_ context: KilnRequestContext, _ name: String) throws -> Int64 {
    let raw = context.parameters.get(name) ?? ""
    guard let value = Int64(raw), value > 0 else {
        let shown = raw.count > 64 ? String(raw.prefix(64)) + "..." : raw
        throw APIError(.unprocessableContent, "\(name) must be a positive integer, got '\(shown)'")
    }
    return value
}
