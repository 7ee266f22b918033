import Foundation
import Hummingbird
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

        enum CodingKeys: String, CodingKey {
            case id, ts, status, index, arch, attempts, error, node
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case platform, ref, artifacts
        }
    }

    package var id: Int64
    package var createdAt: Date
    @Nullable package var finishedAt: Date?
    package var released: Bool
    package var signed: Bool
    @Nullable package var user: User?
    package var linkedBuilds: [Int64]
    package var tasks: [BuildTask]

    enum CodingKeys: String, CodingKey {
        case id
        case createdAt = "created_at"
        case finishedAt = "finished_at"
        case released, signed, user
        case linkedBuilds = "linked_builds"
        case tasks
    }
}

extension BuildAnswer {
    /// The answer for a stored build.
    package init(_ row: BuildRow) {
        self.init(
            id: row.id, createdAt: row.createdAt, finishedAt: row.finishedAt, released: row.released,
            signed: row.signed, user: row.user.map { User(id: $0.id, username: $0.username, email: $0.email) },
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
                    })
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
