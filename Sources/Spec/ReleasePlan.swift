/// A release declared as a file (`releases/*.yml`): which builds go to which platform's
/// production repositories.
public struct ReleasePlan: Sendable, Hashable, Codable {
    public var name: String
    /// Target platform name.
    public var platform: String
    /// Platform whose production repositories decide where a package name ships.
    public var referencePlatform: String?
    /// Build ids to release.
    public var builds: [Int]
    /// Explicit placements; packages not listed follow the reference platform.
    public var packages: [ReleasePackage]
    /// Where it is declared; nil for one read back from the database.
    public var location: SourceLocation?

    public init(name: String, platform: String, referencePlatform: String?, builds: [Int],
                packages: [ReleasePackage], location: SourceLocation? = nil) {
        self.name = name; self.platform = platform; self.referencePlatform = referencePlatform
        self.builds = builds; self.packages = packages; self.location = location
    }

    /// ALBS field names (the plan JSON shows records with them).
    private enum CodingKeys: String, CodingKey {
        case name, platform, referencePlatform = "reference_platform", builds, packages, location
    }
}

/// One package placement in a release plan.
public struct ReleasePackage: Sendable, Hashable, Codable {
    /// Package name (e.g. `bash`).
    public var name: String
    /// Architecture (`x86_64`, `noarch`, `src`, ...).
    public var arch: String
    /// Production repository names of the target platform.
    public var repositories: [String]
    /// Where it is declared; nil for one read back from the database.
    public var location: SourceLocation?

    public init(name: String, arch: String, repositories: [String], location: SourceLocation? = nil) {
        self.name = name; self.arch = arch; self.repositories = repositories; self.location = location
    }
}
