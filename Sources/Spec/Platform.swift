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
    /// Where the platform is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, type: String, distrType: String, distrVersion: String,
        testDistName: String, archList: [String], data: [String: JSONValue],
        repos: [Repository], location: SourceLocation? = nil
    ) {
        self.name = name
        self.type = type
        self.distrType = distrType
        self.distrVersion = distrVersion
        self.testDistName = testDistName
        self.archList = archList
        self.data = data
        self.repos = repos
        self.location = location
    }

    /// ALBS field names (the plan JSON shows records with them).
    private enum CodingKeys: String, CodingKey {
        case name, type
        case distrType = "distr_type"
        case distrVersion = "distr_version"
        case testDistName = "test_dist_name"
        case archList = "arch_list"
        case data, repos, location
    }
}
