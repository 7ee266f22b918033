import Logging
import Store

/// The store and settings the test-task routes share, built once per router.
struct TestWorkflow: Sendable {
    let tasks: TestTaskStore
    let settings: TestingSettings

    init(_ dependencies: ServerDependencies) {
        self.tasks = TestTaskStore(
            client: dependencies.database, logger: dependencies.logger, clock: dependencies.leaseClock)
        self.settings = dependencies.settings.testing
    }
}
