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
    /// What git wants done with it (`state:`): only planned, committed, or reverted.
    package var state: ReleaseState
    /// Where it is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, platform: String, referencePlatform: String?, builds: [Int],
        packages: [ReleasePackage], state: ReleaseState = .planned, location: SourceLocation? = nil
    ) {
        self.name = name
        self.platform = platform
        self.referencePlatform = referencePlatform
        self.builds = builds
        self.packages = packages
        self.state = state
        self.location = location
    }

    /// ALBS field names (the plan JSON shows records with them).
    private enum CodingKeys: String, CodingKey {
        case name, platform
        case referencePlatform = "reference_platform"
        case builds, packages, state, location
    }

    /// A plan saved before `state` existed reads as planned.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        platform = try c.decode(String.self, forKey: .platform)
        referencePlatform = try c.decodeIfPresent(String.self, forKey: .referencePlatform)
        builds = try c.decode([Int].self, forKey: .builds)
        packages = try c.decode([ReleasePackage].self, forKey: .packages)
        state = try c.decodeIfPresent(ReleaseState.self, forKey: .state) ?? .planned
        location = try c.decodeIfPresent(SourceLocation.self, forKey: .location)
    }
}

/// The state a release file asks for (`state:`). Kiln computes the placement of a planned
/// release and shows it; it copies the packages of a committed one into the production
/// repositories; it takes the packages of a reverted one back out.
package enum ReleaseState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Placement computed and shown, nothing published (the default).
    case planned
    /// Published into the production repositories.
    case committed
    /// Published, then taken back out.
    case reverted
}

/// One package placement in a release plan.
package struct ReleasePackage: Sendable, Hashable, Codable {
    /// Package name (e.g. `bash`).
    package var name: String
    /// Architecture (`x86_64`, `noarch`, `src`, ...).
    package var arch: String
    /// Production repository names of the target platform (empty when `skip`).
    package var repositories: [String]
    /// The package is not released (`skip: true`).
    package var skip: Bool
    /// Where it is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, arch: String, repositories: [String], skip: Bool = false, location: SourceLocation? = nil
    ) {
        self.name = name
        self.arch = arch
        self.repositories = repositories
        self.skip = skip
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case name, arch, repositories, skip, location
    }

    /// Missing `skip` reads as false (plans saved before it existed).
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        arch = try c.decode(String.self, forKey: .arch)
        repositories = try c.decode([String].self, forKey: .repositories)
        skip = try c.decodeIfPresent(Bool.self, forKey: .skip) ?? false
        location = try c.decodeIfPresent(SourceLocation.self, forKey: .location)
    }

    /// `skip` is written only when true: a plan without skips keeps its JSON.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(arch, forKey: .arch)
        try c.encode(repositories, forKey: .repositories)
        if skip { try c.encode(true, forKey: .skip) }
        try c.encodeIfPresent(location, forKey: .location)
    }
}
