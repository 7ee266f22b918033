import Foundation
import Statuses

/// A build as read for the API: its tasks (with platform, ref and artifacts), creator and links.
public struct BuildRow: Sendable, Equatable {
    public var id: Int64
    public var createdAt: Date
    public var finishedAt: Date?
    public var released: Bool
    public var signed: Bool
    /// The creator; nil only if the user row vanished.
    public var user: BuildUserRow?
    /// Ids of the builds this one links, ascending.
    public var linkedBuilds: [Int64]
    /// Ordered by platform id, task index, task id.
    public var tasks: [BuildTaskRow]
}

/// The creator of a build.
public struct BuildUserRow: Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var email: String
}

/// One build task as read for the API.
public struct BuildTaskRow: Sendable, Equatable {
    public var id: Int64
    /// The lease timestamp (last claim or ping).
    public var ts: Date?
    public var status: BuildTaskStatus
    public var index: Int
    public var arch: String
    public var attempts: Int
    public var error: String?
    public var node: String?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var platform: BuildTaskPlatformRow
    public var ref: BuildTaskRefRow
    /// Ordered by id.
    public var artifacts: [BuildArtifactRow]
}

/// The platform a task builds for.
public struct BuildTaskPlatformRow: Sendable, Equatable {
    public var id: Int64
    public var type: String
    public var name: String
    public var archList: [String]
}

/// The source a task builds (`build_task_refs`).
public struct BuildTaskRefRow: Sendable, Equatable {
    public var url: String
    public var gitRef: String?
    public var refType: RefType
    public var gitCommitHash: String?
}

/// An artifact recorded for a task.
public struct BuildArtifactRow: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var type: ArtifactType
    public var href: String
    public var arch: String?
    public var sha256: String?
}
