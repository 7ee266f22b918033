import Artifacts
import Logging
import Store

/// The stores the build and build-node routes share, built once per router.
struct BuildWorkflow: Sendable {
    let builds: BuildStore
    let claims: TaskClaims
    let imports: BuildImportQueue
    let users: UserStore
    let importer: BuildArtifactImporter
    let artifactStore: any ArtifactStore
    let locks: RepositoryLocks
    let settings: ServerSettings
    let logger: Logger

    init(_ dependencies: ServerDependencies) {
        let client = dependencies.database
        self.builds = BuildStore(
            client: client, logger: dependencies.logger,
            statementTimeout: dependencies.settings.limits.statementTimeout)
        self.claims = TaskClaims(client: client, logger: dependencies.logger, clock: dependencies.leaseClock)
        self.users = UserStore(client: client)
        self.imports = BuildImportQueue(client: client, logger: dependencies.logger)
        let locks = RepositoryLocks()
        self.locks = locks
        self.artifactStore = dependencies.artifactStore
        self.importer = BuildArtifactImporter(
            store: dependencies.artifactStore,
            repositories: BuildRepositoryStore(client: client, logger: dependencies.logger),
            locks: locks,
            prefix: dependencies.settings.buildRepositoryPrefix)
        self.settings = dependencies.settings
        self.logger = dependencies.logger
    }
}
