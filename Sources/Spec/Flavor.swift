/// A platform flavor (`flavors/*.yml`), ALBS's `PlatformFlavour`: mock data a build that names
/// it merges into every task's `platform.data`, plus repositories its tasks build against.
/// Also the record the reconciler plans and writes as a `platform_flavors` row with its
/// linked repositories (`platform_flavor_repositories`).
package struct Flavor: Sendable, Hashable, Codable {
    package var name: String
    /// ALBS `modularity` (e.g. `git_tag_prefix`); nil when not declared.
    package var modularity: [String: JSONValue]?
    /// Merged into `platform.data`: `mock.macros`, `mock.secure_boot_macros`,
    /// `mock.chroot_setup_cmd`, `mock.use_host_resolv`, `mock.dnf_common_opts`, `definitions`.
    package var data: [String: JSONValue]
    package var repos: [Repository]
    /// Where the flavor is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, modularity: [String: JSONValue]? = nil, data: [String: JSONValue] = [:],
        repos: [Repository] = [], location: SourceLocation? = nil
    ) {
        self.name = name
        self.modularity = modularity
        self.data = data
        self.repos = repos
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case name, modularity, data
        case repos = "repositories"
        case location
    }
}
