import Spec
import Statuses

/// `POST /build_node/get_task` body (flat, as the ALBS node sends it).
struct GetTaskRequest: Codable, Sendable {
    var supportedArches: [String]
    var excludedPackages: [String]?

    enum CodingKeys: String, CodingKey {
        case supportedArches = "supported_arches"
        case excludedPackages = "excluded_packages"
    }
}

/// `POST /build_node/ping` body.
struct PingRequest: Codable, Sendable {
    var activeTasks: [Int64]

    enum CodingKeys: String, CodingKey {
        case activeTasks = "active_tasks"
    }
}

/// One artifact of `build_done`: the node uploaded it already; no arch (it follows from the file name).
struct BuildDoneArtifact: Codable, Sendable {
    var name: String
    var type: ArtifactType
    var href: String
    var sha256: String?
    var path: String?
    var casHash: String?

    enum CodingKeys: String, CodingKey {
        case name, type, href, sha256, path
        case casHash = "cas_hash"
    }
}

/// `POST /build_node/build_done` body; unknown fields are ignored. `stats` (the node's stage
/// timings, `{stage: {start_ts, end_ts, delta}}`) is kept as sent, up to `maxStatsSize` bytes.
struct BuildDoneRequest: Codable, Sendable {
    var taskID: Int64
    var status: BuildTaskOutcome
    var artifacts: [BuildDoneArtifact]?
    var isCasAuthenticated: Bool?
    var gitCommitHash: String?
    var almaCommitCasHash: String?
    var stats: JSONValue?

    /// Largest `stats` object kept, in bytes of its JSON text.
    static let maxStatsSize = 64 * 1024

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case status, artifacts, stats
        case isCasAuthenticated = "is_cas_authenticated"
        case gitCommitHash = "git_commit_hash"
        case almaCommitCasHash = "alma_commit_cas_hash"
    }
}
