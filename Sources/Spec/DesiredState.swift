/// Everything a desired-state repository declares, validated.
package struct DesiredState: Sendable, Hashable, Codable {
    package var platforms: [Platform]
    package var distributions: [Distribution]
    package var repositories: [Repository]
    package var signKeys: [SignKey]
    package var releases: [ReleasePlan]

    package init(
        platforms: [Platform] = [], distributions: [Distribution] = [],
        repositories: [Repository] = [], signKeys: [SignKey] = [],
        releases: [ReleasePlan] = []
    ) {
        self.platforms = platforms
        self.distributions = distributions
        self.repositories = repositories
        self.signKeys = signKeys
        self.releases = releases
    }
}

/// One file of a desired-state repository, as read from git or a folder.
package struct SpecFile: Sendable, Hashable {
    /// Path relative to the repository root, `/`-separated (`platforms/almalinux-9.yml`).
    package var path: String
    package var contents: [UInt8]

    package init(path: String, contents: [UInt8]) {
        self.path = path
        self.contents = contents
    }
}
