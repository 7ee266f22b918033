import Store

/// `POST /builds/` body: platforms × arch_list × tasks (refs).
struct CreateBuildRequest: Decodable, Sendable {
    struct Platform: Decodable, Sendable {
        var name: String
        var archList: [String]
        enum CodingKeys: String, CodingKey {
            case name
            case archList = "arch_list"
        }
    }
    struct TaskRef: Decodable, Sendable {
        var url: String
        var gitRef: String?
        var refType: Int?
        var gitCommitHash: String?
        enum CodingKeys: String, CodingKey {
            case url
            case gitRef = "git_ref"
            case refType = "ref_type"
            case gitCommitHash = "git_commit_hash"
        }
    }
    var platforms: [Platform]
    var tasks: [TaskRef]
    var linkedBuilds: [Int64]?
    var isSecureBoot: Bool?

    enum CodingKeys: String, CodingKey {
        case platforms, tasks
        case linkedBuilds = "linked_builds"
        case isSecureBoot = "is_secure_boot"
    }

    func buildRequest(createdBy: Int64) -> BuildRequest {
        BuildRequest(
            createdBy: createdBy,
            platforms: platforms.map { .init(name: $0.name, archList: $0.archList) },
            refs: tasks.map { ref in
                .init(url: ref.url, gitRef: ref.gitRef,
                      refType: ref.refType ?? (ref.url.hasSuffix(".src.rpm") ? 3 : 1),
                      gitCommitHash: ref.gitCommitHash)
            },
            linkedBuilds: linkedBuilds ?? [],
            isSecureBoot: isSecureBoot ?? false)
    }
}
