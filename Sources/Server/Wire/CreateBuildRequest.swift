import Foundation
import HTTPTypes
import Spec
import Statuses
import Store

/// `POST /api/v1/builds/` body (ALBS `BuildCreate`): platforms × arch_list × tasks (refs), with
/// the build's and each ref's mock options, platform flavors, product and parallel mode.
struct CreateBuildRequest: Codable, Sendable {
    struct Platform: Codable, Sendable {
        var name: String
        var archList: [String]
        /// ALBS sends parallel mode per platform; the build keeps whether any asked for it.
        var parallelModeEnabled: Bool?
        enum CodingKeys: String, CodingKey {
            case name
            case archList = "arch_list"
            case parallelModeEnabled = "parallel_mode_enabled"
        }
    }
    struct TaskRef: Codable, Sendable {
        /// Required; optional here only so a module ref (which has none) gets its own answer.
        var url: String?
        var gitRef: String?
        /// 1 git branch, 2 git tag, 3 srpm url, 4 git ref (default: 3 for a `.src.rpm` URL, else 1).
        var refType: Int?
        var gitCommitHash: String?
        var mockOptions: JSONValue?
        var testConfiguration: JSONValue?
        /// ALBS's module refs (`is_module: true`, or a `BuildTaskModuleRef` with `module_name`,
        /// `modules_yaml`, `refs`): refused, module builds are not supported yet.
        var isModule: Bool?
        var moduleName: String?
        var modulesYAML: String?
        var refs: JSONValue?
        enum CodingKeys: String, CodingKey {
            case url
            case gitRef = "git_ref"
            case refType = "ref_type"
            case gitCommitHash = "git_commit_hash"
            case mockOptions = "mock_options"
            case testConfiguration = "test_configuration"
            case isModule = "is_module"
            case moduleName = "module_name"
            case modulesYAML = "modules_yaml"
            case refs
        }

        /// Whether this is an ALBS module ref.
        var isModuleRef: Bool { isModule == true || moduleName != nil || modulesYAML != nil || refs != nil }
    }
    var platforms: [Platform]
    var tasks: [TaskRef]
    var linkedBuilds: [Int64]?
    var isSecureBoot: Bool?
    var productID: Int64?
    var mockOptions: JSONValue?
    /// Platform flavor ids (`platform_flavors` rows), merged in this order.
    var platformFlavors: [Int64]?
    var parallelModeEnabled: Bool?
    /// No test tasks for this build's packages.
    var skipTests: Bool?

    enum CodingKeys: String, CodingKey {
        case platforms, tasks
        case linkedBuilds = "linked_builds"
        case isSecureBoot = "is_secure_boot"
        case productID = "product_id"
        case mockOptions = "mock_options"
        case platformFlavors = "platform_flavors"
        case parallelModeEnabled = "parallel_mode_enabled"
        case skipTests = "skip_tests"
    }

    /// Largest `mock_options` / `test_configuration` object, as compact JSON, in bytes.
    static let maxOptionsSize = 64 * 1024
    /// Deepest nesting of a `mock_options` / `test_configuration` object.
    static let maxOptionsDepth = 8
    /// Most platform flavors one build names.
    static let maxFlavors = 100

    /// The build to create, after the body's own checks (422 naming the field): at least one
    /// platform and task, no empty URL, a known ref_type, non-empty arch lists without repeats,
    /// no platform twice, text without NUL and within its length, positive linked build and
    /// flavor ids, no module ref, options objects within their bounds, and at most
    /// `limits.maxBuildTasks` tasks (refs × (`src` + arches) of every platform). Unknown
    /// platforms, arches, flavors and linked builds are the store's to refuse. Runs before any query.
    func buildRequest(createdBy: Int64, limits: RequestLimits) throws -> BuildRequest {
        guard !platforms.isEmpty else {
            throw APIError(.unprocessableContent, "platforms: at least one platform is required")
        }
        guard !tasks.isEmpty else { throw APIError(.unprocessableContent, "tasks: at least one task is required") }
        // Size first: nothing below walks a list longer than the limit allows.
        let taskCount = BuildRequest.taskCount(
            refs: tasks.count,
            archCounts: platforms.map { $0.archList.filter { $0 != BuildRequest.sourceArch }.count })
        guard taskCount <= limits.maxBuildTasks else {
            throw APIError(
                .unprocessableContent,
                "The build would have \(taskCount == Int.max ? "too many" : String(taskCount)) tasks "
                    + "(refs × (src + arches) of every platform); "
                    + "the limit is \(limits.maxBuildTasks) (KILN_MAX_BUILD_TASKS)")
        }
        if let module = tasks.first(where: \.isModuleRef) {
            throw APIError(
                .unprocessableContent,
                "tasks: module builds are not supported yet (module ref \(module.moduleName ?? module.url ?? "without url"))"
            )
        }
        try InputCheck.count(platformFlavors?.count ?? 0, "platform_flavors", limit: Self.maxFlavors)
        for id in platformFlavors ?? [] { try InputCheck.id(id, "platform_flavors") }
        if Set(platformFlavors ?? []).count != (platformFlavors ?? []).count {
            throw APIError(.unprocessableContent, "platform_flavors: a flavor is listed twice")
        }
        if let productID { try InputCheck.id(productID, "product_id") }
        let buildMockOptions = try Self.options(mockOptions, "mock_options") ?? "{}"
        try InputCheck.count(linkedBuilds?.count ?? 0, "linked_builds", limit: RequestLimits.maxArrayItems)
        for id in linkedBuilds ?? [] { try InputCheck.id(id, "linked_builds") }
        var refs: [BuildRequest.Ref] = []
        for ref in tasks {
            guard let url = ref.url, !url.isEmpty else {
                throw APIError(.unprocessableContent, "tasks: url must not be empty")
            }
            try InputCheck.text(url, "tasks: url", maxLength: InputCheck.urlLength)
            try InputCheck.text(ref.gitRef, "tasks: git_ref", maxLength: InputCheck.urlLength)
            try InputCheck.text(ref.gitCommitHash, "tasks: git_commit_hash", maxLength: InputCheck.hashLength)
            let raw =
                ref.refType
                ?? (url.hasSuffix(".src.rpm") ? Int(RefType.srpmURL.rawValue) : Int(RefType.gitBranch.rawValue))
            guard let value = Int16(exactly: raw), let refType = RefType(rawValue: value) else {
                let allowed = RefType.allCases.map { String($0.rawValue) }.joined(separator: ", ")
                throw APIError(.unprocessableContent, "tasks: ref_type must be one of \(allowed), got \(raw)")
            }
            let built = BuildRequest.Ref(
                url: url, gitRef: ref.gitRef, refType: refType, gitCommitHash: ref.gitCommitHash,
                mockOptionsJSON: try Self.options(ref.mockOptions, "tasks: mock_options"),
                testConfigurationJSON: try Self.options(ref.testConfiguration, "tasks: test_configuration"))
            try InputCheck.text(built.packageName, "tasks: package name of \(url)", maxLength: InputCheck.urlLength)
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
            isSecureBoot: isSecureBoot ?? false,
            mockOptionsJSON: buildMockOptions, productID: productID, platformFlavorIDs: platformFlavors ?? [],
            parallelModeEnabled: parallelModeEnabled ?? platforms.contains { $0.parallelModeEnabled == true },
            skipTests: skipTests ?? false)
    }

    /// An options object (`mock_options`, `test_configuration`) as compact JSON text, nil when
    /// absent or null; 422 naming `field` when it is not an object, nests deeper than
    /// `maxOptionsDepth`, is larger than `maxOptionsSize` or holds a NUL.
    static func options(_ value: JSONValue?, _ field: String) throws -> String? {
        guard let value, value != .null else { return nil }
        guard case .object = value else { throw APIError(.unprocessableContent, "\(field) must be an object") }
        guard value.depth <= maxOptionsDepth else {
            throw APIError(.unprocessableContent, "\(field) is nested deeper than \(maxOptionsDepth) levels")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
            throw APIError(.unprocessableContent, "\(field) is not valid JSON")
        }
        guard data.count <= maxOptionsSize else {
            throw APIError(.unprocessableContent, "\(field) is larger than \(maxOptionsSize) bytes")
        }
        // PostgreSQL's jsonb refuses the NUL character, even escaped.
        guard !text.contains("\\u0000") else {
            throw APIError(.unprocessableContent, "\(field) must not contain NUL characters")
        }
        return text
    }
}
