import Foundation
import Hummingbird
import Spec
import Statuses
import Store
import Yams

/// A release as `GET /api/v1/releases/` lists it: ALBS's `Release` fields (`id`, `status`,
/// `build_ids`, `plan`, `created_by`) plus its platforms, origin and the state of its git file.
package struct ReleaseAnswer: Codable, Sendable, Equatable {
    package struct Platform: Codable, Sendable, Equatable {
        package var id: Int64
        package var name: String
    }

    /// Who committed (or reverted) the release, with which commit, when.
    package struct Mark: Codable, Sendable, Equatable {
        @Nullable package var sha: String?
        @Nullable package var author: String?
        @Nullable package var at: Date?
    }

    package var id: Int64
    @Nullable package var name: String?
    /// 1 scheduled, 2 in progress, 3 completed, 4 failed, 5 reverted.
    package var status: ReleaseStatus
    package var buildIDs: [Int64]
    /// `{"builds": [...], "packages": [...]}` as the reconciler stored it.
    package var plan: JSONValue
    @Nullable package var createdBy: BuildAnswer.User?
    package var platform: Platform
    @Nullable package var referencePlatform: Platform?
    package var origin: Origin
    @Nullable package var commitSHA: String?
    /// The file's `state:`.
    package var state: ReleaseQueries.DesiredState
    /// `commit` or `revert` while one is under way.
    @Nullable package var operation: ReleaseQueries.Operation?
    @Nullable package var committed: Mark?
    @Nullable package var reverted: Mark?
    @Nullable package var error: String?
    package var createdAt: Date
    package var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, status
        case buildIDs = "build_ids"
        case plan
        case createdBy = "created_by"
        case platform
        case referencePlatform = "reference_platform"
        case origin
        case commitSHA = "commit_sha"
        case state, operation, committed, reverted, error
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension ReleaseAnswer {
    package init(_ row: ReleaseQueries.ReleaseRow) {
        func mark(_ mark: ReleaseQueries.Mark?) -> Mark? {
            mark.map { Mark(sha: $0.sha, author: $0.author, at: $0.at) }
        }
        self.init(
            id: row.id, name: row.name, status: row.status, buildIDs: row.buildIDs,
            plan: (try? JSONDecoder().decode(JSONValue.self, from: Data(row.planJSON.utf8))) ?? .object([:]),
            createdBy: row.createdBy.map { BuildAnswer.User(id: $0.id, username: $0.username, email: $0.email) },
            platform: Platform(id: row.platform.id, name: row.platform.name),
            referencePlatform: row.referencePlatform.map { Platform(id: $0.id, name: $0.name) },
            origin: row.origin, commitSHA: row.commitSHA, state: row.desiredState, operation: row.operation,
            committed: mark(row.committed), reverted: mark(row.reverted), error: row.error,
            createdAt: row.createdAt, updatedAt: row.updatedAt)
    }
}

/// `GET /api/v1/releases/{id}/`: every field of ``ReleaseAnswer`` plus `placement` (the
/// reconciler's placement plan, null until computed) and `refusals` (`placement.refusals`, or []).
package struct ReleaseDetailAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var release: ReleaseAnswer
    package var placement: JSONValue?
    package var refusals: [JSONValue]

    enum CodingKeys: String, CodingKey {
        case placement, refusals
    }

    package init(release: ReleaseAnswer, placement: JSONValue?, refusals: [JSONValue]) {
        self.release = release
        self.placement = placement
        self.refusals = refusals
    }

    package init(_ row: ReleaseQueries.ReleaseRow) {
        let placement = row.placementJSON.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        var refusals: [JSONValue] = []
        if case .object(let fields) = placement, case .array(let list) = fields["refusals"] { refusals = list }
        self.init(release: ReleaseAnswer(row), placement: placement == .null ? nil : placement, refusals: refusals)
    }

    package init(from decoder: any Decoder) throws {
        release = try ReleaseAnswer(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let placement = try container.decodeIfPresent(JSONValue.self, forKey: .placement)
        self.placement = placement == .null ? nil : placement
        refusals = try container.decode([JSONValue].self, forKey: .refusals)
    }

    package func encode(to encoder: any Encoder) throws {
        try release.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(placement ?? .null, forKey: .placement)
        try container.encode(refusals, forKey: .refusals)
    }
}

/// `GET /api/v1/releases/?pageNumber=N`: one page of releases, newest first (ALBS's shape).
package struct ReleasesPageAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var releases: [ReleaseAnswer]
    package var totalReleases: Int
    package var currentPage: Int

    enum CodingKeys: String, CodingKey {
        case releases
        case totalReleases = "total_releases"
        case currentPage = "current_page"
    }
}

/// The query parameters of `GET /api/v1/releases/`: `pageNumber`, `platform_id`, `platform`
/// (a platform name) and `status` (a `ReleaseStatus` integer), checked whole (422 naming one).
struct ReleaseListQuery: Sendable, Equatable {
    /// Releases per page with `pageNumber` (ALBS's 10).
    static let pageSize = 10

    /// nil: every release as one list.
    var page: Int?
    var filter: ReleaseQueries.ReleaseFilter

    init(_ parameters: Parameters) throws {
        page = try ListQueryParameters.pageNumber(parameters)
        let platformName = parameters["platform"].map(String.init)
        try InputCheck.text(platformName, "platform", maxLength: InputCheck.nameLength)
        var status: ReleaseStatus?
        if let raw = parameters["status"] {
            guard let value = Int16(String(raw)), let known = ReleaseStatus(rawValue: value) else {
                let known = ReleaseStatus.allCases.map { String($0.rawValue) }.joined(separator: ", ")
                throw APIError(.unprocessableContent, "status must be one of \(known), got \"\(raw.prefix(64))\"")
            }
            status = known
        }
        filter = ReleaseQueries.ReleaseFilter(
            platformID: try ListQueryParameters.id(parameters, "platform_id"), platformName: platformName,
            status: status)
    }
}

/// `POST /api/v1/releases/new/` (ALBS `ReleaseCreate`).
struct ReleaseCreateBody: Codable, Sendable {
    var builds: [Int64]
    var platformID: Int64
    var referencePlatformID: Int64?

    enum CodingKeys: String, CodingKey {
        case builds
        case platformID = "platform_id"
        case referencePlatformID = "reference_platform_id"
    }

    /// The ids are positive and the builds at most `RequestLimits.maxArrayItems`, none repeated, at least one.
    func check() throws {
        try ReleaseFile.checkBuilds(builds)
        try InputCheck.id(platformID, "platform_id")
        if let referencePlatformID { try InputCheck.id(referencePlatformID, "reference_platform_id") }
    }
}

/// `PUT /api/v1/releases/{id}/` (ALBS `ReleaseUpdate`): `builds` replaces the file's builds;
/// `plan.packages`, in Kiln's shape, its packages. Other keys of `plan` are ignored.
struct ReleaseUpdateBody: Codable, Sendable {
    struct Plan: Codable, Sendable {
        var packages: [ReleaseFile.Package]?
    }

    var builds: [Int64]?
    var plan: Plan?

    func check() throws {
        if let builds { try ReleaseFile.checkBuilds(builds) }
        guard let packages = plan?.packages else { return }
        try InputCheck.count(packages.count, "plan.packages", limit: RequestLimits.maxArrayItems)
        var seen = Set<String>()
        for (index, package) in packages.enumerated() {
            let field = "plan.packages[\(index)]"
            try InputCheck.text(package.name, "\(field).name", maxLength: InputCheck.nameLength, empty: false)
            try InputCheck.text(package.arch, "\(field).arch", maxLength: InputCheck.archLength, empty: false)
            guard seen.insert("\(package.name)\u{0}\(package.arch)").inserted else {
                throw APIError(
                    .unprocessableContent, "\(field): \(package.name).\(package.arch) is listed twice")
            }
            let repositories = package.repositories ?? []
            try InputCheck.count(repositories.count, "\(field).repositories", limit: RequestLimits.maxArrayItems)
            for repository in repositories {
                try InputCheck.text(
                    repository, "\(field).repositories", maxLength: InputCheck.nameLength, empty: false)
            }
            if package.skip == true {
                guard repositories.isEmpty else {
                    throw APIError(.unprocessableContent, "\(field): a skipped package lists no repositories")
                }
            } else if repositories.isEmpty {
                throw APIError(.unprocessableContent, "\(field) needs repositories (or skip: true)")
            }
        }
    }
}

/// A release file, `releases/<name>.yml`, as the write routes suggest it.
struct ReleaseFile: Sendable, Equatable {
    /// One entry of `packages:`: placed in `repositories`, or `skip: true`.
    struct Package: Codable, Sendable, Equatable {
        var name: String
        var arch: String
        var repositories: [String]?
        var skip: Bool?
    }

    var name: String
    var platform: String
    var referencePlatform: String?
    var builds: [Int64]
    var packages: [Package]
    var state: ReleaseQueries.DesiredState

    /// The file of `row` as the database holds it: builds from `release_builds`, packages from
    /// `plan.packages` (none when the stored list has another shape).
    init(_ row: ReleaseQueries.ReleaseRow) {
        struct StoredPlan: Decodable {
            var packages: [Package]?
        }
        let plan = try? JSONDecoder().decode(StoredPlan.self, from: Data(row.planJSON.utf8))
        self.init(
            name: Self.name(row), platform: row.platform.name, referencePlatform: row.referencePlatform?.name,
            builds: row.buildIDs, packages: plan?.packages ?? [], state: row.desiredState)
    }

    init(
        name: String, platform: String, referencePlatform: String?, builds: [Int64], packages: [Package],
        state: ReleaseQueries.DesiredState
    ) {
        self.name = name
        self.platform = platform
        self.referencePlatform = referencePlatform
        self.builds = builds
        self.packages = packages
        self.state = state
    }

    /// The release's name, `release-<id>` for an unnamed one made through the API.
    static func name(_ row: ReleaseQueries.ReleaseRow) -> String {
        row.name.flatMap { $0.isEmpty ? nil : $0 } ?? "release-\(row.id)"
    }

    /// Build ids: at least one, positive, none repeated, at most `RequestLimits.maxArrayItems`.
    static func checkBuilds(_ builds: [Int64]) throws {
        guard !builds.isEmpty else { throw APIError(.unprocessableContent, "builds must list at least one build id") }
        try InputCheck.count(builds.count, "builds", limit: RequestLimits.maxArrayItems)
        for id in builds { try InputCheck.id(id, "builds") }
        if Set(builds).count != builds.count {
            throw APIError(.unprocessableContent, "builds lists a build id twice")
        }
    }

    /// The YAML text: keys in the order `name`, `platform`, `reference_platform` (when set),
    /// `builds`, `packages` (when any), `state`; strings quoted where YAML would read another type.
    func yaml() throws -> String {
        func text(_ value: String) -> Node { .scalar(value.represented()) }
        func list(_ nodes: [Node]) -> Node { .sequence(Node.Sequence(nodes)) }
        var pairs: [(Node, Node)] = [(text("name"), text(name)), (text("platform"), text(platform))]
        if let referencePlatform { pairs.append((text("reference_platform"), text(referencePlatform))) }
        pairs.append((text("builds"), list(builds.map { .scalar($0.represented()) })))
        if !packages.isEmpty {
            pairs.append(
                (
                    text("packages"),
                    list(
                        packages.map { package in
                            var fields: [(Node, Node)] = [
                                (text("name"), text(package.name)), (text("arch"), text(package.arch))
                            ]
                            if package.skip == true {
                                fields.append((text("skip"), .scalar(true.represented())))
                            } else {
                                fields.append((text("repositories"), list((package.repositories ?? []).map(text))))
                            }
                            return .mapping(Node.Mapping(fields))
                        })
                ))
        }
        pairs.append((text("state"), text(state.rawValue)))
        return try Yams.serialize(node: .mapping(Node.Mapping(pairs)))
    }
}

/// A distribution file, `distributions/<name>.yml`: `name`, `platforms`, `builds`.
struct DistributionFile: Sendable, Equatable {
    var name: String
    var platforms: [String]
    var builds: [Int64]

    func yaml() throws -> String {
        func text(_ value: String) -> Node { .scalar(value.represented()) }
        let pairs: [(Node, Node)] = [
            (text("name"), text(name)),
            (text("platforms"), .sequence(Node.Sequence(platforms.map(text)))),
            (text("builds"), .sequence(Node.Sequence(builds.map { .scalar($0.represented()) })))
        ]
        return try Yams.serialize(node: .mapping(Node.Mapping(pairs)))
    }
}

/// The 409 of a write that belongs in git: what to change in the desired-state repository.
/// `detail` says it in words and carries the YAML; `file` is the path inside the repository;
/// `yaml` is the whole file to commit (null when the file is to be deleted).
package struct GitChangeAnswer: Codable, Sendable, Equatable {
    package enum Action: String, Codable, Sendable, CaseIterable {
        case create, edit, delete
    }

    package var detail: String
    package var file: String
    package var action: Action
    @Nullable package var yaml: String?
}
