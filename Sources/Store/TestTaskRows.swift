import Foundation
import Statuses

/// One test task as the read endpoints show it (ALBS `TestTask` fields).
package struct TestTaskRow: Sendable, Equatable {
    package var id: Int64
    package var buildTaskID: Int64
    package var packageName: String
    package var packageVersion: String
    package var packageRelease: String?
    package var envArch: String
    package var status: TestTaskStatus
    package var revision: Int
    /// ALTS's whole result body (`{api_version, result, stats}`), JSON text; nil before it came.
    package var altsResponse: String?
    /// The `logs` entries of the result, JSON text (`[{name, href}, ...]`).
    package var logs: String
    package var startedAt: Date?
    package var finishedAt: Date?
}

/// What ALTS needs to run one test task: its package, where it runs, the repositories to install
/// from (`TaskRequestPayload`). Built by `TestTaskStore.claim`.
package struct TestTaskClaim: Sendable, Equatable {
    package var id: Int64
    package var envArch: String
    package var packageName: String
    package var packageVersion: String
    package var packageRelease: String?
    package var packageEpoch: String?
    /// The ref's `test_configuration`, JSON text.
    package var testConfiguration: String?
    package var distName: String
    package var distVersion: String
    /// `[(name, baseurl)]`: the build's repositories of the arch, its linked builds', its
    /// flavors', then the platform's.
    package var repositories: [(name: String, url: String)]

    package static func == (a: TestTaskClaim, b: TestTaskClaim) -> Bool {
        a.id == b.id && a.repositories.map(\.name) == b.repositories.map(\.name)
            && a.repositories.map(\.url) == b.repositories.map(\.url) && a.packageName == b.packageName
    }
}

/// How a result changed a task.
package enum TestResultOutcome: Sendable, Equatable {
    /// Recorded now with this status.
    case recorded(TestTaskStatus)
    /// The same result was already recorded (a repeat): nothing changed.
    case repeated(TestTaskStatus)
}
