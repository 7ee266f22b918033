import Artifacts
import Logging
import Store

/// The stores the sign-task routes share, built once per router.
struct SignWorkflow: Sendable {
    let tasks: SignTaskStore
    let results: SignResultQueue
    let users: UserStore
    let artifactStore: any ArtifactStore
    let settings: ServerSettings
    let logger: Logger
    let audit: APIAudit

    init(_ dependencies: ServerDependencies) {
        let client = dependencies.database
        self.tasks = SignTaskStore(client: client, logger: dependencies.logger, clock: dependencies.leaseClock)
        self.results = SignResultQueue(client: client, logger: dependencies.logger)
        self.users = UserStore(client: client)
        self.artifactStore = dependencies.artifactStore
        self.settings = dependencies.settings
        self.logger = dependencies.logger
        self.audit = APIAudit(dependencies)
    }

    /// Where a sign node downloads `package` (the build repository's served URL of the file).
    func downloadURL(_ package: SignTaskPackageRow) -> String {
        guard let name = package.repositoryName, let url = package.repositoryURL else { return "" }
        let repository = StoreRepository(
            name: name, kind: .rpm, remoteURL: nil, basePath: nil, labels: [:], href: package.repositoryHref ?? "",
            distributionHref: nil, remoteHref: nil, url: url)
        return artifactStore.packageURL(fileName: package.name, in: repository) ?? ""
    }
}
