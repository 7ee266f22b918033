/// Everything a desired-state repository declares, validated.
public struct DesiredState: Sendable, Hashable, Codable {
    public var platforms: [Platform]
    public var distributions: [Distribution]
    public var repositories: [Repository]
    public var signKeys: [SignKey]
    public var releases: [ReleasePlan]

    public init(platforms: [Platform] = [], distributions: [Distribution] = [],
                repositories: [Repository] = [], signKeys: [SignKey] = [],
                releases: [ReleasePlan] = []) {
        self.platforms = platforms; self.distributions = distributions
        self.repositories = repositories; self.signKeys = signKeys; self.releases = releases
    }
}

/// One file of a desired-state repository, as read from git or a folder.
public struct SpecFile: Sendable, Hashable {
    /// Path relative to the repository root, `/`-separated (`platforms/almalinux-9.yml`).
    public var path: String
    public var contents: [UInt8]

    public init(path: String, contents: [UInt8]) {
        self.path = path
        self.contents = contents
    }
}
