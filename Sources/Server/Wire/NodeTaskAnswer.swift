import Spec
import Statuses

/// The `POST /api/v1/build_node/get_task` answer, as the ALBS node's strict model reads it
/// (albs-build-lib `builder/models.py`); `null` when no task is ready.
///
/// PostgreSQL renders this answer inside the claim statement (`TaskClaims.answerSelect`): building
/// it there is measurably faster on the dispatch hot path than reading rows and encoding them.
/// This type is its contract; `NodeTaskAnswerTests` decodes the SQL output into it, every field.
package struct NodeTaskAnswer: Codable, Sendable, Equatable {
    package struct Ref: Codable, Sendable, Equatable {
        package var url: String
        @Nullable package var gitRef: String?
        package var refType: RefType
        @Nullable package var gitCommitHash: String?

        package enum CodingKeys: String, CodingKey, CaseIterable {
            case url
            case gitRef = "git_ref"
            case refType = "ref_type"
            case gitCommitHash = "git_commit_hash"
        }
    }

    package struct Platform: Codable, Sendable, Equatable {
        package var name: String
        package var type: String
        /// The platform's free-form mock / build settings.
        package var data: [String: JSONValue]
        package var archList: [String]

        package enum CodingKeys: String, CodingKey, CaseIterable {
            case name, type, data
            case archList = "arch_list"
        }
    }

    package struct CreatedBy: Codable, Sendable, Equatable {
        package var name: String
        package var email: String

        package enum CodingKeys: String, CodingKey, CaseIterable {
            case name, email
        }
    }

    /// A repository mock installs from: the build's own (priority 5), linked builds' (8), the platform's (10).
    package struct Repository: Codable, Sendable, Equatable {
        package var name: String
        package var url: String
        package var priority: Int
        package var mockEnabled: Bool

        package enum CodingKeys: String, CodingKey, CaseIterable {
            case name, url, priority
            case mockEnabled = "mock_enabled"
        }
    }

    package var id: Int
    package var buildID: Int
    package var arch: String
    package var ref: Ref
    package var platform: Platform
    package var createdBy: CreatedBy
    package var repositories: [Repository]
    package var linkedBuilds: [Int]
    package var isSecureBoot: Bool
    @Nullable package var builtSrpmURL: String?
    @Nullable package var srpmHash: String?
    @Nullable package var almaCommitCasHash: String?
    package var isCasAuthenticated: Bool

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case buildID = "build_id"
        case arch, ref, platform
        case createdBy = "created_by"
        case repositories
        case linkedBuilds = "linked_builds"
        case isSecureBoot = "is_secure_boot"
        case builtSrpmURL = "built_srpm_url"
        case srpmHash = "srpm_hash"
        case almaCommitCasHash = "alma_commit_cas_hash"
        case isCasAuthenticated = "is_cas_authenticated"
    }
}
