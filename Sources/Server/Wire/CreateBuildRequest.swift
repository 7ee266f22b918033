import HTTPTypes
import Statuses
import Store

/// `POST /api/v1/builds/` body: platforms × arch_list × tasks (refs).
struct CreateBuildRequest: Codable, Sendable {
    struct Platform: Codable, Sendable {
        var name: String
        var archList: [String]
        enum CodingKeys: String, CodingKey {
            case name
            case archList = "arch_list"
        }
    }
    struct TaskRef: Codable, Sendable {
        var url: String
        var gitRef: String?
        /// 1 git branch, 2 git tag, 3 srpm url, 4 git ref (default: 3 for a `.src.rpm` URL, else 1).
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

    /// The build to create, after the body's own checks (422 naming the field): at least one
    /// platform and task, no empty URL, a known ref_type, non-empty arch lists without repeats,
    /// no platform twice, text without NUL and within its length, positive linked build ids, and
    /// at most `limits.maxBuildTasks` tasks (refs × arches of every platform). Unknown platforms,
    /// arches and linked builds are the store's to refuse. Runs before any query.
    func buildRequest(createdBy: Int64, limits: RequestLimits) throws -> BuildRequest {
        guard !platforms.isEmpty else {
            throw APIError(.unprocessableContent, "platforms: at least one platform is required")
        }
        guard !tasks.isEmpty else { throw APIError(.unprocessableContent, "tasks: at least one task is required") }
        // Size first: nothing below walks a list longer than the limit allows.
        var arches = 0
        for platform in platforms {
            let (sum, overflow) = arches.addingReportingOverflow(platform.archList.count)
            arches = overflow ? Int.max : sum
        }
        let (product, overflow) = arches.multipliedReportingOverflow(by: tasks.count)
        let taskCount = overflow ? Int.max : product
        guard taskCount <= limits.maxBuildTasks else {
            throw APIError(
                .unprocessableContent,
                "The build would have \(overflow ? "too many" : String(taskCount)) tasks (refs × arches of every platform); "
                    + "the limit is \(limits.maxBuildTasks) (KILN_MAX_BUILD_TASKS)")
        }
        try InputCheck.count(linkedBuilds?.count ?? 0, "linked_builds", limit: RequestLimits.maxArrayItems)
        for id in linkedBuilds ?? [] { try InputCheck.id(id, "linked_builds") }
        var refs: [BuildRequest.Ref] = []
        for ref in tasks {
            guard !ref.url.isEmpty else { throw APIError(.unprocessableContent, "tasks: url must not be empty") }
            try InputCheck.text(ref.url, "tasks: url", maxLength: InputCheck.urlLength)
            try InputCheck.text(ref.gitRef, "tasks: git_ref", maxLength: InputCheck.urlLength)
            try InputCheck.text(ref.gitCommitHash, "tasks: git_commit_hash", maxLength: InputCheck.hashLength)
            let raw =
                ref.refType
                ?? (ref.url.hasSuffix(".src.rpm") ? Int(RefType.srpmURL.rawValue) : Int(RefType.gitBranch.rawValue))
            guard let value = Int16(exactly: raw), let refType = RefType(rawValue: value) else {
                let allowed = RefType.allCases.map { String($0.rawValue) }.joined(separator: ", ")
                throw APIError(.unprocessableContent, "tasks: ref_type must be one of \(allowed), got \(raw)")
            }
            let built = BuildRequest.Ref(
                url: ref.url, gitRef: ref.gitRef, refType: refType, gitCommitHash: ref.gitCommitHash)
            try InputCheck.text(built.packageName, "tasks: package name of \(ref.url)", maxLength: InputCheck.urlLength)
            refs.append(built)
        }
        for platform in platforms {
            try InputCheck.text(platform.name, "platforms: name", maxLength: InputCheck.nameLength, empty: false)
            guard !platform.archList.isEmpty else {
                throw APIError(.unprocessableContent, "platforms: arch_list of \(platform.name) is empty")
            }
            for arch in platform.archList {
                try InputCheck.text(arch, "platforms: arch_list", maxLength: InputCheck.archLength, empty: false)
            }
            if Set(platform.archList).count != platform.archList.count {
                throw APIError(.unprocessableContent, "platforms: arch_list of \(platform.name) repeats an arch")
            }
        }
        if Set(platforms.map(\.name)).count != platforms.count {
            throw APIError(.unprocessableContent, "platforms: a platform is listed twice")
        }
        return BuildRequest(
            createdBy: createdBy,
            platforms: platforms.map { .init(name: $0.name, archList: $0.archList) },
            refs: refs,
            linkedBuilds: linkedBuilds ?? [],
            isSecureBoot: isSecureBoot ?? false)
    }
}
