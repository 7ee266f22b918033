import Foundation
import Spec
import Store

/// What a reconcile does with a release from git, from its file's `state` and its row's status.
package enum ReleaseOperation: String, Sendable, Hashable, Codable {
    /// Nothing to do: planned (the placement is shown for review), or already committed/reverted.
    case none
    /// Add the placed packages to the production repositories and publish them.
    case commit
    /// A commit a stopped process left half-way: finish it from its journal.
    case resumeCommit = "resume_commit"
    /// Remove what the commit added, and publish.
    case revert
    /// A revert a stopped process left half-way: finish it.
    case resumeRevert = "resume_revert"

    /// True when apply writes to the artifact store.
    package var changes: Bool { self != .none }

    /// The verb the plan shows (`will be committed`).
    var phrase: String {
        switch self {
        case .none: "is planned (nothing is published until its file says state: committed)"
        case .commit: "will be committed"
        case .resumeCommit: "will be committed (resuming an interrupted commit)"
        case .revert: "will be reverted"
        case .resumeRevert: "will be reverted (resuming an interrupted revert)"
        }
    }
}

/// The placement plan of one release: every package of its builds with the production
/// repositories it goes to, and the refusals that keep it from being committed. Shown by
/// `kiln plan` (text, JSON, markdown), stored in `releases.placement` for the API, and
/// recomputed by `kiln apply` of a saved plan (a different placement makes the plan stale).
package struct ReleasePlacement: Sendable, Hashable, Codable {
    package var release: String
    package var platform: String
    package var referencePlatform: String?
    /// The file's `state`.
    package var state: String
    package var operation: ReleaseOperation
    /// Target repositories with their packages, by store repository name.
    package var repositories: [PlacedRepository]
    package var refusals: [ReleaseRefusal]
    /// Packages the file says to skip.
    package var skipped: [PlacedPackage]
    /// The release file (`releases/x.yml`), when known.
    package var file: String?

    package init(
        release: String, platform: String, referencePlatform: String?, state: String, operation: ReleaseOperation,
        repositories: [PlacedRepository] = [], refusals: [ReleaseRefusal] = [], skipped: [PlacedPackage] = [],
        file: String? = nil
    ) {
        self.release = release
        self.platform = platform
        self.referencePlatform = referencePlatform
        self.state = state
        self.operation = operation
        self.repositories = repositories
        self.refusals = refusals
        self.skipped = skipped
        self.file = file
    }

    enum CodingKeys: String, CodingKey {
        case release, platform
        case referencePlatform = "reference_platform"
        case state, operation, repositories, refusals, skipped, file
    }

    /// Package placements in all repositories.
    package var packageCount: Int { repositories.reduce(0) { $0 + $1.packages.count } }

    /// Placements that change a repository (not already there).
    package var newCount: Int { repositories.reduce(0) { $0 + $1.packages.count { !$0.alreadyPresent } } }

    /// The placement as JSON with sorted keys (what `releases.placement` holds).
    package func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// One production repository a release places packages into.
package struct PlacedRepository: Sendable, Hashable, Codable {
    /// The repository's name in git (`almalinux-9-baseos`).
    package var repository: String
    package var arch: String
    package var debug: Bool
    /// The artifact-store repository (`almalinux-9-baseos-x86_64`).
    package var storeRepository: String
    package var packages: [PlacedPackage]

    package init(repository: String, arch: String, debug: Bool, storeRepository: String, packages: [PlacedPackage]) {
        self.repository = repository
        self.arch = arch
        self.debug = debug
        self.storeRepository = storeRepository
        self.packages = packages
    }

    enum CodingKeys: String, CodingKey {
        case repository, arch, debug
        case storeRepository = "store_repository"
        case packages
    }
}

/// One package placed (or skipped).
package struct PlacedPackage: Sendable, Hashable, Codable {
    package var nevra: String
    package var fileName: String
    package var buildID: Int64?
    package var artifactID: Int64?
    /// The store content href added to the repository.
    package var href: String
    package var sha256: String
    /// Why it goes there: `explicit`, `reference`, `multilib`, `noarch`, `debug`, `source`, `skip`,
    /// or `journal` (a commit being resumed or reverted).
    package var reason: String
    /// The repository already holds this very package (nothing to add; a revert leaves it).
    package var alreadyPresent: Bool

    package init(
        nevra: String, fileName: String, buildID: Int64?, artifactID: Int64?, href: String, sha256: String,
        reason: String, alreadyPresent: Bool = false
    ) {
        self.nevra = nevra
        self.fileName = fileName
        self.buildID = buildID
        self.artifactID = artifactID
        self.href = href
        self.sha256 = sha256
        self.reason = reason
        self.alreadyPresent = alreadyPresent
    }

    enum CodingKeys: String, CodingKey {
        case nevra
        case fileName = "file_name"
        case buildID = "build_id"
        case artifactID = "artifact_id"
        case href, sha256, reason
        case alreadyPresent = "already_present"
    }
}

/// Why a package (or a whole build) cannot be released.
package struct ReleaseRefusal: Sendable, Hashable, Codable {
    package var nevra: String?
    package var fileName: String?
    package var buildID: Int64?
    package var reason: String

    package init(nevra: String? = nil, fileName: String? = nil, buildID: Int64? = nil, reason: String) {
        self.nevra = nevra
        self.fileName = fileName
        self.buildID = buildID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case nevra
        case fileName = "file_name"
        case buildID = "build_id"
        case reason
    }

    /// `bash-5.1-1.el9.x86_64 (build 12): unsigned ...`; a whole build's refusal is its reason
    /// (which names the build).
    package var line: String {
        guard let nevra else { return reason }
        return "\(nevra)" + (buildID.map { " (build \($0))" } ?? "") + ": " + reason
    }
}

/// The desired records a release placement was computed from, kept in a saved plan so
/// `kiln apply` can recompute it.
package struct ReleaseSources: Sendable, Hashable, Codable {
    package var releases: [ReleasePlan]
    package var platforms: [Platform]
    /// The distributions (their `builds` are placed like releases).
    package var distributions: [Distribution]

    package init(releases: [ReleasePlan], platforms: [Platform], distributions: [Distribution] = []) {
        self.releases = releases
        self.platforms = platforms
        self.distributions = distributions
    }

    enum CodingKeys: String, CodingKey {
        case releases, platforms, distributions
    }

    /// `distributions` may be absent.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        releases = try c.decode([ReleasePlan].self, forKey: .releases)
        platforms = try c.decode([Platform].self, forKey: .platforms)
        distributions = try c.decodeIfPresent([Distribution].self, forKey: .distributions) ?? []
    }
}
