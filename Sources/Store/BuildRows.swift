import Foundation
import Spec
import Statuses

/// A build as read for the API: its tasks (with platform, ref and artifacts), creator and links.
package struct BuildRow: Sendable, Equatable {
    package var id: Int64
    package var createdAt: Date
    package var finishedAt: Date?
    package var released: Bool
    package var signed: Bool
    /// The creator; nil only if the user row vanished.
    package var user: BuildUserRow?
    /// Ids of the builds this one links, ascending.
    package var linkedBuilds: [Int64]
    /// Ordered by platform id, task index, task id.
    package var tasks: [BuildTaskRow]
    /// The build's own mock options (`builds.mock_options`, an object).
    package var mockOptions: JSONValue = .object([:])
    package var productID: Int64? = nil
    package var parallelModeEnabled: Bool = false
    /// The flavors the build names, in their order.
    package var platformFlavors: [BuildFlavorRow] = []
    /// The build's sign tasks, by id.
    package var signTasks: [BuildSignTaskRow] = []
}

/// A sign task as the build JSON lists it (ALBS `BuildSignTask`).
package struct BuildSignTaskRow: Sendable, Equatable {
    package var id: Int64
    package var signKeyID: Int64
    package var status: SignTaskStatus
    package var startedAt: Date?
    package var finishedAt: Date?
    package var stats: JSONValue?
    package var errorMessage: String?
}

/// A platform flavor a build names.
package struct BuildFlavorRow: Sendable, Equatable {
    package var id: Int64
    package var name: String
}

/// The creator of a build.
package struct BuildUserRow: Sendable, Equatable {
    package var id: Int64
    package var username: String
    package var email: String
}

/// One build task as read for the API.
package struct BuildTaskRow: Sendable, Equatable {
    package var id: Int64
    /// The lease timestamp (last claim or ping).
    package var ts: Date?
    package var status: BuildTaskStatus
    package var index: Int
    package var arch: String
    package var attempts: Int
    package var error: String?
    package var node: String?
    package var startedAt: Date?
    package var finishedAt: Date?
    package var platform: BuildTaskPlatformRow
    package var ref: BuildTaskRefRow
    /// Ordered by id.
    package var artifacts: [BuildArtifactRow]
    package var isSecureBoot: Bool = false
    /// The ref's mock options the task was created with.
    package var mockOptions: JSONValue? = nil
    /// The node's `stats` from build_done (`build_tasks.performance_stats`).
    package var performanceStats: JSONValue? = nil
    package var isCasAuthenticated: Bool = false
    package var almaCommitCasHash: String? = nil
    /// The task's test tasks of every revision, by id.
    package var testTasks: [TestTaskRow] = []
}

/// The platform a task builds for.
package struct BuildTaskPlatformRow: Sendable, Equatable {
    package var id: Int64
    package var type: String
    package var name: String
    package var archList: [String]
}

/// The source a task builds (`build_task_refs`).
package struct BuildTaskRefRow: Sendable, Equatable {
    package var url: String
    package var gitRef: String?
    package var refType: RefType
    package var gitCommitHash: String?
}

/// An artifact recorded for a task.
package struct BuildArtifactRow: Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var type: ArtifactType
    package var href: String
    package var arch: String?
    package var sha256: String?
}
