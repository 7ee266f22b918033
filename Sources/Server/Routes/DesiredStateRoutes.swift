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
    addDistributionRoutes(
        to: api.group("distributions"), queries: queries,
        files: ReleaseQueries(client: dependencies.database, logger: dependencies.logger), git: git)
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
        APIError(
            .conflict,
            "\(kind) are managed in git: edit \(file(folder: folder, name: name)) (or the file that defines it) "
                + "\(location) and open a pull request; Kiln applies it once merged. Nothing was changed.")
    }

    /// `<path>/<folder>/<name>.yml`: the file inside the desired-state repository.
    func file(folder: String, name: String?) -> String {
        [source?.path, folder].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
            + "/" + (name.map { "\($0).yml" } ?? "<name>.yml")
    }

    /// `in <repository> (branch <ref>)`, or `in the desired-state git repository` when unknown.
    var location: String {
        source.map { "in \($0.repository)" + ($0.ref.map { " (branch \($0))" } ?? "") }
            ?? "in the desired-state git repository"
    }

    /// The 409 of a write that git carries out: `detail` is `<why>: <add|edit|delete> <file> in
    /// <repository> ... Nothing was changed.` followed by the YAML, beside `file`, `action`, `yaml`.
    /// `unchanged`: the file already says what was asked (the detail says so; `yaml` is the file).
    func change(
        _ action: GitChangeAnswer.Action, file: String, yaml: String?, why: String, unchanged: Bool = false
    ) -> WireAnswer<GitChangeAnswer> {
        let verb =
            switch action {
            case .create: "add"
            case .edit: "edit"
            case .delete: "delete"
            }
        var detail =
            unchanged
            ? "\(why): \(file) \(location) already reads as below, there is nothing to change. Nothing was changed."
            : "\(why): \(verb) \(file) \(location)" + (yaml == nil ? "" : " so that it reads as below")
                + " in a pull request; Kiln applies it once merged. Nothing was changed."
        if let yaml { detail += "\n\n" + yaml }
        return WireAnswer(.conflict, GitChangeAnswer(detail: detail, file: file, action: action, yaml: yaml))
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
