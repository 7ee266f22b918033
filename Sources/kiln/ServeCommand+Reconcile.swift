import Foundation
import GitSource
import Logging
import Reconciler
import Server
import Spec
import Store

/// Wiring of `kiln serve --repo` into the reconcile loop, the reconcile endpoint and the webhooks.
extension ServerDependencies {
    /// Builds the reconcile loop for `desiredStateSource` (nil without `--repo`), stores it in
    /// `reconcileLoop`, and returns it.
    ///
    /// A local folder is read at `--ref` (default `HEAD`) on every run; a URL (or a path that is
    /// not a folder) is mirrored into `<home>/git-cache/` and `--ref` is the branch fetched (default `main`).
    /// `interval` is `KILN_RECONCILE_INTERVAL` of the settings, `rules` the desired state's limits
    /// and URL schemes (`KILN_REPOSITORY_URL_SCHEMES`).
    mutating func attachReconcileLoop(
        home: String, interval: Duration, rules: SpecRules, faultKillAt: String? = nil, logger: Logger
    ) throws -> ReconcileLoop? {
        guard let source = desiredStateSource else { return nil }
        var engine = ReconcileEngine(
            database: PostgresStateDatabase(
                currentClient: { [fixed = database, supervisor = databaseSupervisor] in
                    supervisor?.client ?? fixed
                }, logger: logger),
            store: artifactStore, logger: logger)
        engine.syncRecords = RepositorySyncStore(client: database, logger: logger)
        engine.releases = ReleaseCommitStore(client: database, logger: logger)
        engine.releaseCheckpoint = ReconcileCLI.faultCheckpoint(faultKillAt)
        engine.afterApply = { [access = self.access] in access.invalidate() }
        var isDirectory: ObjCBool = false
        let loopSource: ReconcileLoop.Source
        if !source.repository.contains("://"),
            FileManager.default.fileExists(atPath: source.repository, isDirectory: &isDirectory), isDirectory.boolValue
        {
            loopSource = .local(try GitRepository(path: source.repository), ref: source.ref ?? "HEAD")
        } else {
            let folder = String(
                source.repository.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "-" }.suffix(120))
            let cache = (home as NSString).appendingPathComponent("git-cache/\(folder)")
            loopSource = .remote(
                GitRemoteMirror(remote: source.repository, cachePath: cache), branch: source.ref ?? "main")
        }
        let loop = ReconcileLoop(
            engine: engine, source: loopSource,
            subdirectory: source.path.isEmpty ? nil : source.path,
            interval: interval, rules: rules, logger: logger)
        reconcileLoop = loop
        return loop
    }
}
