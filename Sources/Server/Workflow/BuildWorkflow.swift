import Artifacts
import Logging
import Store

/// The stores the build and build-node routes share, built once per router.
struct BuildWorkflow: Sendable {
    let builds: BuildStore
    let claims: TaskClaims
    let imports: BuildImportQueue
    let users: UserStore
    let artifactStore: any ArtifactStore
    let locks: RepositoryLocks
    let settings: ServerSettings
    let logger: Logger
    let audit: APIAudit

    init(_ dependencies: ServerDependencies) {
        let client = dependencies.database
        self.builds = BuildStore(
            client: client, logger: dependencies.logger,
            statementTimeout: dependencies.settings.limits.statementTimeout)
        self.claims = TaskClaims(client: client, logger: dependencies.logger, clock: dependencies.leaseClock)
        self.users = UserStore(client: client)
        self.imports = BuildImportQueue(client: client, logger: dependencies.logger)
        self.locks = RepositoryLocks()
        self.artifactStore = dependencies.artifactStore
        self.settings = dependencies.settings
        self.logger = dependencies.logger
        self.audit = APIAudit(dependencies)
    }
}
