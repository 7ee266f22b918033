/// A release declared as a file (`releases/*.yml`): which builds go to which platform's
/// production repositories.
package struct ReleasePlan: Sendable, Hashable, Codable {
    package var name: String
    /// Target platform name.
    package var platform: String
    /// Platform whose production repositories decide where a package name ships.
    package var referencePlatform: String?
    /// Build ids to release.
    package var builds: [Int]
    /// Explicit placements; packages not listed follow the reference platform.
    package var packages: [ReleasePackage]
    /// Where it is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, platform: String, referencePlatform: String?, builds: [Int],
        packages: [ReleasePackage], location: SourceLocation? = nil
    ) {
        self.name = name
        self.platform = platform
        self.referencePlatform = referencePlatform
        self.builds = builds
        self.packages = packages
        self.location = location
    }

    /// ALBS field names (the plan JSON shows records with them).
    private enum CodingKeys: String, CodingKey {
        case name, platform
        case referencePlatform = "reference_platform"
        case builds, packages, location
    }
}

/// One package placement in a release plan.
package struct ReleasePackage: Sendable, Hashable, Codable {
    /// Package name (e.g. `bash`).
    package var name: String
    /// Architecture (`x86_64`, `noarch`, `src`, ...).
    package var arch: String
    /// Production repository names of the target platform.
    package var repositories: [String]
    /// Where it is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(name: String, arch: String, repositories: [String], location: SourceLocation? = nil) {
        self.name = name
        self.arch = arch
        self.repositories = repositories
        self.location = location
    }
}
