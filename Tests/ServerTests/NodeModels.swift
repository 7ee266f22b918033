import Foundation

/// The `get_task` answer as the ALBS node's strict model reads it (albs-build-lib
/// builder/models.py): decoding fails on a missing field or a wrong type.
struct NodeTask: Decodable {
    struct Ref: Decodable {
        var url: String
        var git_ref: String?
        var ref_type: Int
        var git_commit_hash: String?
    }
    struct Platform: Decodable {
        var name: String
        var type: String
        var data: [String: AnyDecodable]
    }
    struct CreatedBy: Decodable {
        var name: String
        var email: String
    }
    struct Repository: Decodable {
        var name: String
        var url: String
        var priority: Int
        var mock_enabled: Bool
    }
    var id: Int
    var build_id: Int
    var arch: String
    var ref: Ref
    var platform: Platform
    var created_by: CreatedBy
    var repositories: [Repository]
    var is_secure_boot: Bool
    var built_srpm_url: String?
    var srpm_hash: String?
    var alma_commit_cas_hash: String?
    var is_cas_authenticated: Bool
    var linked_builds: [Int]

    /// Keys that must be present even when null.
    static let requiredKeys = ["id", "build_id", "arch", "ref", "platform", "created_by", "repositories", "is_secure_boot",
                               "built_srpm_url", "srpm_hash", "alma_commit_cas_hash", "is_cas_authenticated", "linked_builds"]
}

/// Any JSON value (only checked for presence).
struct AnyDecodable: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { return }
        if (try? container.decode(Bool.self)) != nil { return }
        if (try? container.decode(Double.self)) != nil { return }
        if (try? container.decode(String.self)) != nil { return }
        if (try? container.decode([AnyDecodable].self)) != nil { return }
        _ = try container.decode([String: AnyDecodable].self)
    }
}
