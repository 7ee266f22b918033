import Foundation
import Hummingbird
import Spec
import Statuses
import Store

/// `POST /api/v1/sign-tasks/` body (ALBS `SignTaskCreate`).
struct SignTaskCreateRequest: Codable, Sendable {
    var buildID: Int64
    var signKeyID: Int64

    enum CodingKeys: String, CodingKey {
        case buildID = "build_id"
        case signKeyID = "sign_key_id"
    }
}

/// `POST /api/v1/sign-tasks/get_sign_task/` body (ALBS `SignTaskGet`): the key ids the node holds.
struct GetSignTaskRequest: Codable, Sendable {
    var keyIDs: [String]

    enum CodingKeys: String, CodingKey {
        case keyIDs = "key_ids"
    }
}

/// One package handed to a sign node (ALBS `SignRpmInfo`).
package struct SignRpmInfo: Codable, Sendable, Equatable {
    /// The artifact id; the node reports it back.
    package var id: Int64
    /// The file name.
    package var name: String
    package var arch: String
    package var type: String
    /// Where the node downloads the unsigned package (the artifact store's content URL).
    package var downloadURL: String
    @Nullable package var casHash: String?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, arch, type
        case downloadURL = "download_url"
        case casHash = "cas_hash"
    }
}

/// `get_sign_task`'s answer when a task is handed out (ALBS `AvailableSignTask`); `{}` otherwise.
package struct AvailableSignTask: Codable, Sendable, Equatable, ResponseEncodable {
    package var id: Int64
    package var buildID: Int64
    package var keyid: String
    package var signFiles: Bool
    package var packages: [SignRpmInfo]

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case buildID = "build_id"
        case keyid
        case signFiles = "sign_files"
        case packages
    }
}

/// One signed package a sign node reports (ALBS `SignedRpmInfo`).
struct SignedRpmInfo: Codable, Sendable, Equatable {
    var id: Int64
    var name: String
    var arch: String?
    var type: String
    /// The artifact-store href of the uploaded signed file.
    var href: String
    /// The key's fingerprint, as the node knows it.
    var fingerprint: String
    var sha256: String
    var casHash: String?

    enum CodingKeys: String, CodingKey {
        case id, name, arch, type, href, fingerprint, sha256
        case casHash = "cas_hash"
    }
}

/// `POST /api/v1/sign-tasks/{id}/complete/` body (ALBS `SignTaskComplete`).
struct SignTaskCompleteRequest: Codable, Sendable {
    var buildID: Int64
    var success: Bool
    var errorMessage: String?
    var logHref: String?
    var packages: [SignedRpmInfo]?
    var stats: JSONValue?

    enum CodingKeys: String, CodingKey {
        case buildID = "build_id"
        case success
        case errorMessage = "error_message"
        case logHref = "log_href"
        case packages, stats
    }
}

/// `complete`'s answer (ALBS `SignTaskCompleteResponse`): the report is recorded.
struct SignTaskCompleteAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    var success: Bool
}

/// The answer of the community key endpoints when there is nothing to do: `{}`.
struct EmptyAnswer: Codable, Sendable, Equatable, ResponseEncodable {}

/// A sign key as a sign task shows it (ALBS `SignKey`).
package struct SignTaskKeyAnswer: Codable, Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var description: String
    package var keyid: String
    package var fingerprint: String
    package var publicURL: String
    package var inserted: Date
    package var active: Bool
    @Nullable package var archived: Date?
    package var platformIDs: [Int64]

    enum CodingKeys: String, CodingKey {
        case id, name, description, keyid, fingerprint
        case publicURL = "public_url"
        case inserted, active, archived
        case platformIDs = "platform_ids"
    }
}

/// A package verification refused.
package struct SignFailureAnswer: Codable, Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var reason: String
}

/// A sign task (ALBS `SignTask`: `id`, `build_id`, `sign_key`, `status`, `error_message`,
/// `log_href`), with Kiln's lease and verification fields.
package struct SignTaskAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var id: Int64
    package var buildID: Int64
    package var signKey: SignTaskKeyAnswer
    package var status: SignTaskStatus
    @Nullable package var errorMessage: String?
    @Nullable package var logHref: String?
    /// The sign node holding (or that last held) the task.
    @Nullable package var node: String?
    package var attempts: Int
    package var createdAt: Date
    @Nullable package var startedAt: Date?
    @Nullable package var finishedAt: Date?
    @Nullable package var stats: JSONValue?
    /// The packages verification refused, with the reason for each.
    package var failures: [SignFailureAnswer]
    package var packagesCount: Int
    /// A node's report waits for verification.
    package var verifying: Bool
    /// `POST /api/v1/sign-tasks/` only: every task the request created (a build larger than
    /// `KILN_SIGN_BATCH` packages is split); nil elsewhere.
    package var batchTaskIDs: [Int64]?

    enum CodingKeys: String, CodingKey {
        case id
        case buildID = "build_id"
        case signKey = "sign_key"
        case status
        case errorMessage = "error_message"
        case logHref = "log_href"
        case node, attempts
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case stats, failures
        case packagesCount = "packages_count"
        case verifying
        case batchTaskIDs = "batch_task_ids"
    }
}

extension SignTaskAnswer {
    package init(_ row: SignTaskRow, batchTaskIDs: [Int64]? = nil) {
        let key = row.signKey
        self.init(
            id: row.id, buildID: row.buildID,
            signKey: SignTaskKeyAnswer(
                id: key.id, name: key.name, description: key.description, keyid: key.keyid,
                fingerprint: key.fingerprint, publicURL: key.publicURL, inserted: key.inserted, active: key.active,
                archived: key.archived, platformIDs: key.platformIDs),
            status: row.status, errorMessage: row.errorMessage, logHref: row.logHref, node: row.node,
            attempts: row.attempts, createdAt: row.createdAt, startedAt: row.startedAt, finishedAt: row.finishedAt,
            stats: row.stats,
            failures: row.failures.map { SignFailureAnswer(id: $0.id, name: $0.name, reason: $0.reason) },
            packagesCount: row.packageCount, verifying: row.verifying, batchTaskIDs: batchTaskIDs)
    }
}

/// A sign task as the build JSON lists it (ALBS `BuildSignTask`).
package struct BuildSignTaskAnswer: Codable, Sendable, Equatable {
    package var id: Int64
    @Nullable package var startedAt: Date?
    @Nullable package var finishedAt: Date?
    package var status: SignTaskStatus
    @Nullable package var stats: JSONValue?
    package var signKeyID: Int64
    @Nullable package var errorMessage: String?

    enum CodingKeys: String, CodingKey {
        case id
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case status, stats
        case signKeyID = "sign_key_id"
        case errorMessage = "error_message"
    }
}
