import Logging
import Store

/// The store and settings the test-task routes share, built once per router.
struct TestWorkflow: Sendable {
    let tasks: TestTaskStore
    let settings: TestingSettings
    let audit: APIAudit

    init(_ dependencies: ServerDependencies) {
        self.audit = APIAudit(dependencies)
        self.tasks = TestTaskStore(
            client: dependencies.database, logger: dependencies.logger, clock: dependencies.leaseClock)
        self.settings = dependencies.settings.testing
    }
}
