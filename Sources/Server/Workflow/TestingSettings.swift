/// Tunables of testing: the test tasks the test system (ALTS) pulls.
package struct TestingSettings: Sendable, Equatable {
    /// Most tasks one `GET /api/v1/tests/get_test_tasks/` hands out (`KILN_TEST_BATCH`).
    package var batchSize: Int
    /// A started test task with no result after this long goes back to the queue (`KILN_TEST_TIMEOUT`).
    package var timeout: Duration

    /// The default of `batchSize`.
    package static let defaultBatchSize = 100
    /// The default of `timeout`: 6 hours.
    package static let defaultTimeout: Duration = .seconds(6 * 3600)

    package init(
        batchSize: Int = TestingSettings.defaultBatchSize, timeout: Duration = TestingSettings.defaultTimeout
    ) {
        self.batchSize = batchSize
        self.timeout = timeout
    }
}
