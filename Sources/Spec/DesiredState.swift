/// Everything a desired-state repository declares, validated.
package struct DesiredState: Sendable, Hashable, Codable {
    package var platforms: [Platform]
    package var distributions: [Distribution]
    package var repositories: [Repository]
    package var signKeys: [SignKey]
    package var releases: [ReleasePlan]
    package var flavors: [Flavor]
    /// Store repositories that may be deleted with their content (`retired/*.yml`).
    package var retired: [RetiredStoreRepository]
    /// Teams with their members' roles and the platforms and products they own (`teams/*.yml`).
    package var teams: [Team]

    package init(
        platforms: [Platform] = [], distributions: [Distribution] = [],
        repositories: [Repository] = [], signKeys: [SignKey] = [],
        releases: [ReleasePlan] = [], flavors: [Flavor] = [], retired: [RetiredStoreRepository] = [],
        teams: [Team] = []
    ) {
        self.teams = teams
        self.retired = retired
        self.platforms = platforms
        self.distributions = distributions
        self.repositories = repositories
        self.signKeys = signKeys
        self.releases = releases
        self.flavors = flavors
    }
}

extension DesiredState {
    enum CodingKeys: String, CodingKey {
        case platforms, distributions, repositories, signKeys, releases, flavors, retired, teams
    }

    /// Decodes; `retired` and `teams` may be absent (state written before it existed).
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            platforms: try c.decode([Platform].self, forKey: .platforms),
            distributions: try c.decode([Distribution].self, forKey: .distributions),
            repositories: try c.decode([Repository].self, forKey: .repositories),
            signKeys: try c.decode([SignKey].self, forKey: .signKeys),
            releases: try c.decode([ReleasePlan].self, forKey: .releases),
            flavors: try c.decode([Flavor].self, forKey: .flavors),
            retired: try c.decodeIfPresent([RetiredStoreRepository].self, forKey: .retired) ?? [],
            teams: try c.decodeIfPresent([Team].self, forKey: .teams) ?? [])
    }
}

/// One file of a desired-state repository, as read from git or a folder.
///
/// A symlink or a file too large to read is still listed (with no contents), so the loader can
/// refuse it at its path.
package struct SpecFile: Sendable, Hashable {
    /// What the tree entry is.
    package enum Entry: Sendable, Hashable {
        /// A regular file: `contents` holds its bytes.
        case regular
        /// A symbolic link to `target` (never followed).
        case symlink(target: String)
        /// A regular file of `bytes` bytes, above the limit it was read with: not read.
        case tooLarge(bytes: Int)
    }

    /// Path relative to the repository root, `/`-separated (`platforms/almalinux-9.yml`).
    package var path: String
    package var contents: [UInt8]
    package var entry: Entry

    package init(path: String, contents: [UInt8], entry: Entry = .regular) {
        self.path = path
        self.contents = contents
        self.entry = entry
    }
}
