import Foundation
import Hummingbird
import Spec
import Statuses
import Store

/// A build as `GET /api/v1/builds/{id}/` (and `POST /`, `PATCH .../restart-failed`) answer it (ALBS `Build`).
package struct BuildAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package struct User: Codable, Sendable, Equatable {
        package var id: Int64
        package var username: String
        package var email: String
    }

    package struct Platform: Codable, Sendable, Equatable {
        package var id: Int64
        package var type: String
        package var name: String
        package var archList: [String]

        enum CodingKeys: String, CodingKey {
            case id, type, name
            case archList = "arch_list"
        }
    }

    package struct Ref: Codable, Sendable, Equatable {
        package var url: String
        @Nullable package var gitRef: String?
        package var refType: RefType
        @Nullable package var gitCommitHash: String?

        enum CodingKeys: String, CodingKey {
            case url
            case gitRef = "git_ref"
            case refType = "ref_type"
            case gitCommitHash = "git_commit_hash"
        }
    }

    package struct Artifact: Codable, Sendable, Equatable {
        package var id: Int64
        package var name: String
        package var type: ArtifactType
        package var href: String
        @Nullable package var arch: String?
        @Nullable package var sha256: String?
    }

    package struct BuildTask: Codable, Sendable, Equatable {
        package var id: Int64
        @Nullable package var ts: Date?
        package var status: BuildTaskStatus
        package var index: Int
        package var arch: String
        package var attempts: Int
        @Nullable package var error: String?
        @Nullable package var node: String?
        @Nullable package var startedAt: Date?
        @Nullable package var finishedAt: Date?
        package var platform: Platform
        package var ref: Ref
        package var artifacts: [Artifact]
        package var isSecureBoot: Bool
        /// The ref's mock options the task was created with.
        @Nullable package var mockOptions: JSONValue?
        /// ALBS's list of `PerformanceStats`: one entry holding the node's `stats`, or null.
        @Nullable package var performanceStats: [PerformanceStats]?
        package var isCasAuthenticated: Bool
        @Nullable package var almaCommitCasHash: String?
        /// The task's test tasks of every revision (ALBS `TestTask`), by id.
        package var testTasks: [TestTaskAnswer]

        enum CodingKeys: String, CodingKey {
            case id, ts, status, index, arch, attempts, error, node
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case platform, ref, artifacts
            case isSecureBoot = "is_secure_boot"
            case mockOptions = "mock_options"
            case performanceStats = "performance_stats"
            case isCasAuthenticated = "is_cas_authenticated"
            case almaCommitCasHash = "alma_commit_cas_hash"
            case testTasks = "test_tasks"
        }
    }

    /// A task's performance statistics (ALBS `PerformanceStats`; Kiln keeps one per task, so
    /// `id` is the task's id).
    package struct PerformanceStats: Codable, Sendable, Equatable {
        package var id: Int64
        package var buildTaskID: Int64
        package var statistics: JSONValue

        enum CodingKeys: String, CodingKey {
            case id
            case buildTaskID = "build_task_id"
            case statistics
        }
    }

    /// A platform flavor the build names (ALBS `PlatformFlavour`).
    package struct Flavor: Codable, Sendable, Equatable {
        package var id: Int64
        package var name: String
    }

    package var id: Int64
    package var createdAt: Date
    @Nullable package var finishedAt: Date?
    package var released: Bool
    package var signed: Bool
    /// The creator, as Kiln named it before `owner` (kept for old clients).
    @Nullable package var user: User?
    package var linkedBuilds: [Int64]
    package var tasks: [BuildTask]
    /// The creator (ALBS's name).
    @Nullable package var owner: User?
    package var mockOptions: JSONValue
    package var platformFlavors: [Flavor]
    @Nullable package var productID: Int64?
    package var parallelModeEnabled: Bool
    /// The build's sign tasks (ALBS `BuildSignTask`), by id.
    package var signTasks: [BuildSignTaskAnswer]

    enum CodingKeys: String, CodingKey {
        case id
        case createdAt = "created_at"
        case finishedAt = "finished_at"
        case released, signed, user
        case linkedBuilds = "linked_builds"
        case tasks, owner
        case mockOptions = "mock_options"
        case platformFlavors = "platform_flavors"
        case productID = "product_id"
        case parallelModeEnabled = "parallel_mode_enabled"
        case signTasks = "sign_tasks"
    }
}

extension BuildAnswer {
    /// The answer for a stored build.
    package init(_ row: BuildRow) {
        let user = row.user.map { User(id: $0.id, username: $0.username, email: $0.email) }
        self.init(
            id: row.id, createdAt: row.createdAt, finishedAt: row.finishedAt, released: row.released,
            signed: row.signed, user: user,
            linkedBuilds: row.linkedBuilds,
            tasks: row.tasks.map { task in
                BuildTask(
                    id: task.id, ts: task.ts, status: task.status, index: task.index, arch: task.arch,
                    attempts: task.attempts, error: task.error, node: task.node, startedAt: task.startedAt,
                    finishedAt: task.finishedAt,
                    platform: Platform(
                        id: task.platform.id, type: task.platform.type, name: task.platform.name,
                        archList: task.platform.archList),
                    ref: Ref(
                        url: task.ref.url, gitRef: task.ref.gitRef, refType: task.ref.refType,
                        gitCommitHash: task.ref.gitCommitHash),
                    artifacts: task.artifacts.map {
                        Artifact(
                            id: $0.id, name: $0.name, type: $0.type, href: $0.href, arch: $0.arch, sha256: $0.sha256)
                    },
                    isSecureBoot: task.isSecureBoot, mockOptions: task.mockOptions,
                    performanceStats: task.performanceStats.map {
                        [PerformanceStats(id: task.id, buildTaskID: task.id, statistics: $0)]
                    },
                    isCasAuthenticated: task.isCasAuthenticated, almaCommitCasHash: task.almaCommitCasHash,
                    testTasks: task.testTasks.map(TestTaskAnswer.init))
            },
            owner: user, mockOptions: row.mockOptions,
            platformFlavors: row.platformFlavors.map { Flavor(id: $0.id, name: $0.name) }, productID: row.productID,
            parallelModeEnabled: row.parallelModeEnabled,
            signTasks: row.signTasks.map {
                BuildSignTaskAnswer(
                    id: $0.id, startedAt: $0.startedAt, finishedAt: $0.finishedAt, status: $0.status, stats: $0.stats,
                    signKeyID: $0.signKeyID, errorMessage: $0.errorMessage)
            })
    }
}

/// `GET /api/v1/builds/?pageNumber=N`: one page of builds, newest first.
package struct BuildsPageAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var builds: [BuildAnswer]
    package var totalBuilds: Int
    package var currentPage: Int

    enum CodingKeys: String, CodingKey {
        case builds
        case totalBuilds = "total_builds"
        case currentPage = "current_page"
    }
}
