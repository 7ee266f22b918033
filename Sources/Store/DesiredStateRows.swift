import Spec
import Statuses

/// The desired-state rows as PostgreSQL holds them: each one the Spec record of its kind
/// (`Spec.Platform`, `Spec.Repository`, ...) with what only the database knows (who wrote
/// it, what refers to it). Read by `DesiredStateStore.read`; the Reconciler turns it into its
/// actual state.
package struct DesiredStateRows: Sendable, Hashable {
    /// A record and who last wrote it (repositories, distributions).
    package struct Row<Record: Sendable & Hashable>: Sendable, Hashable {
        package var record: Record
        package var origin: Origin

        package init(record: Record, origin: Origin) {
            self.record = record
            self.origin = origin
        }
    }

    /// A platform (with its linked repositories) and what uses it.
    package struct PlatformRow: Sendable, Hashable {
        package var platform: Platform
        package var origin: Origin
        /// Build tasks on this platform.
        package var buildTaskCount: Int
        /// Releases made through the API that target or reference it.
        package var apiReleaseCount: Int
    }

    /// A sign key and the sign tasks using it.
    package struct SignKeyRow: Sendable, Hashable {
        package var signKey: SignKey
        package var origin: Origin
        package var signTaskCount: Int
    }

    /// A named release (its plan decoded from the `plan` column) and its status.
    package struct ReleaseRow: Sendable, Hashable {
        package var release: ReleasePlan
        package var origin: Origin
        package var status: ReleaseStatus
    }

    /// A platform flavor (with its linked repositories) and the builds that name it.
    package struct FlavorRow: Sendable, Hashable {
        package var flavor: Flavor
        package var origin: Origin
        package var buildCount: Int
    }

    /// An artifact-store repository that belongs to a build.
    package struct BuildRepository: Sendable, Hashable {
        package var name: String, buildID: Int
    }

    package var repositories: [Row<Repository>] = []
    package var platforms: [PlatformRow] = []
    package var distributions: [Row<Distribution>] = []
    package var signKeys: [SignKeyRow] = []
    package var releases: [ReleaseRow] = []
    package var buildRepositories: [BuildRepository] = []
    package var flavors: [FlavorRow] = []
    package var teams: [Row<Team>] = []

    package init() {}
}

/// One write of an apply, executed by `DesiredStateStore.apply` inside one transaction.
/// Upserts write the record with `origin = 'git'` and `commit_sha`; deletes touch only
/// `origin = 'git'` rows.
package enum DesiredStateWrite: Sendable, Hashable {
    case upsertSignKey(SignKey)
    case upsertRepository(Repository)
    /// The platform row and its links to `repos` (by key; the repository rows must exist).
    case upsertPlatform(Platform)
    /// The distribution row, its `distribution_platforms` and `distribution_builds`.
    case upsertDistribution(Distribution)
    /// A scheduled release with its plan (`builds`, `packages`), `desired_state` and
    /// `release_builds`; of a release no longer scheduled only `desired_state`.
    case upsertRelease(ReleasePlan)
    case deleteSignKey(name: String)
    case deleteRepository(RepositoryKey)
    case deletePlatform(name: String)
    case deleteDistribution(name: String)
    /// Deletes a scheduled release only.
    case deleteRelease(name: String)
    case upsertFlavor(Flavor)
    case deleteFlavor(name: String)
    case upsertTeam(Team)
    case deleteTeam(name: String)
}

/// A desired-state row holds a value Kiln does not know.
package enum DesiredStateStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case unexpectedValue(column: String, value: String)

    package var description: String {
        switch self {
        case .unexpectedValue(let column, let value): "unexpected value '\(value)' in \(column)"
        }
    }
}

/// The `releases.plan` column of a git release: `{"builds": [...], "packages": [...]}`,
/// packages sorted by name and arch (`"skip": true` on a package not released).
struct StoredReleasePlan: Codable {
    struct Package: Codable {
        var name: String
        var arch: String
        var repositories: [String]
        var skip: Bool

        enum CodingKeys: String, CodingKey {
            case name, arch, repositories, skip
        }

        init(name: String, arch: String, repositories: [String], skip: Bool) {
            self.name = name
            self.arch = arch
            self.repositories = repositories
            self.skip = skip
        }

        /// Missing `skip` reads as false.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            arch = try c.decode(String.self, forKey: .arch)
            repositories = try c.decode([String].self, forKey: .repositories)
            skip = try c.decodeIfPresent(Bool.self, forKey: .skip) ?? false
        }

        /// `skip` only when true: a plan without skips is stored as before.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(arch, forKey: .arch)
            try c.encode(repositories, forKey: .repositories)
            if skip { try c.encode(true, forKey: .skip) }
        }
    }

    var builds: [Int]
    var packages: [Package]

    init(_ release: ReleasePlan) {
        builds = release.builds
        packages = release.packages.sorted { ($0.name, $0.arch) < ($1.name, $1.arch) }
            .map { Package(name: $0.name, arch: $0.arch, repositories: $0.repositories, skip: $0.skip) }
    }

    /// Missing keys read as empty (a release written through the API may hold another shape).
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        builds = (try? c.decodeIfPresent([Int].self, forKey: .builds)) ?? []
        packages = (try? c.decodeIfPresent([Package].self, forKey: .packages)) ?? []
    }
}

extension DesiredStateWrite {
    /// How `audit_events` names this write: object kind (the desired-state folder's singular),
    /// the object's name, and `apply` or `delete`.
    var audited: (kind: String, id: String, action: String) {
        switch self {
        case .upsertSignKey(let k): ("sign_key", k.name, "apply")
        case .upsertRepository(let r): ("repository", r.key.description, "apply")
        case .upsertPlatform(let p): ("platform", p.name, "apply")
        case .upsertDistribution(let d): ("distribution", d.name, "apply")
        case .upsertRelease(let r): ("release", r.name, "apply")
        case .upsertFlavor(let f): ("flavor", f.name, "apply")
        case .upsertTeam(let t): ("team", t.name, "apply")
        case .deleteSignKey(let name): ("sign_key", name, "delete")
        case .deleteRepository(let key): ("repository", key.description, "delete")
        case .deletePlatform(let name): ("platform", name, "delete")
        case .deleteDistribution(let name): ("distribution", name, "delete")
        case .deleteRelease(let name): ("release", name, "delete")
        case .deleteFlavor(let name): ("flavor", name, "delete")
        case .deleteTeam(let name): ("team", name, "delete")
        }
    }
}
