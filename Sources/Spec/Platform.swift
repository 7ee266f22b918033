/// A build platform (`platforms/*.yml`), e.g. AlmaLinux-9: what it builds for and against.
/// Also the record the reconciler plans and writes as a `platforms` row with its linked repositories.
package struct Platform: Sendable, Hashable, Codable {
    package var name: String
    /// `rpm` or `deb`.
    package var type: String
    package var distrType: String
    package var distrVersion: String
    package var testDistName: String
    package var archList: [String]
    /// The build configuration handed to nodes (mock options, definitions, ...).
    package var data: [String: JSONValue]
    package var repos: [Repository]
    /// No test tasks for builds on this platform (`skip_tests`, default false).
    package var skipTests: Bool
    /// A release of this platform's builds needs their tests passed (`release_requires_tests`,
    /// default false).
    package var releaseRequiresTests: Bool
    /// Where the platform is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, type: String, distrType: String, distrVersion: String,
        testDistName: String, archList: [String], data: [String: JSONValue],
        repos: [Repository], skipTests: Bool = false, releaseRequiresTests: Bool = false,
        location: SourceLocation? = nil
    ) {
        self.name = name
        self.type = type
        self.distrType = distrType
        self.distrVersion = distrVersion
        self.testDistName = testDistName
        self.archList = archList
        self.data = data
        self.repos = repos
        self.skipTests = skipTests
        self.releaseRequiresTests = releaseRequiresTests
        self.location = location
    }

    /// Reads a platform written by `encode(to:)`; the test policy fields default to false (plans
    /// written before they existed).
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), type: try c.decode(String.self, forKey: .type),
            distrType: try c.decode(String.self, forKey: .distrType),
            distrVersion: try c.decode(String.self, forKey: .distrVersion),
            testDistName: try c.decode(String.self, forKey: .testDistName),
            archList: try c.decode([String].self, forKey: .archList),
            data: try c.decode([String: JSONValue].self, forKey: .data),
            repos: try c.decode([Repository].self, forKey: .repos),
            skipTests: try c.decodeIfPresent(Bool.self, forKey: .skipTests) ?? false,
            releaseRequiresTests: try c.decodeIfPresent(Bool.self, forKey: .releaseRequiresTests) ?? false,
            location: try c.decodeIfPresent(SourceLocation.self, forKey: .location))
    }

    /// ALBS field names (the plan JSON shows records with them).
    private enum CodingKeys: String, CodingKey {
        case name, type
        case distrType = "distr_type"
        case distrVersion = "distr_version"
        case testDistName = "test_dist_name"
        case archList = "arch_list"
        case data, repos, location
        case skipTests = "skip_tests"
        case releaseRequiresTests = "release_requires_tests"
    }
}
