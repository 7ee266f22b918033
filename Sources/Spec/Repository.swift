/// A repository: standalone (`repositories/*.yml`) or one a platform builds against or
/// releases into (`repos:` of `platforms/*.yml`). Also the record the reconciler plans and
/// writes as a `repositories` row.
package struct Repository: Sendable, Hashable, Codable {
    package var name: String
    package var arch: String
    package var url: String
    /// `rpm` or `deb` (ALBS `type`).
    package var type: String
    package var debug: Bool
    package var production: Bool
    /// Where the repository is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, arch: String, url: String, type: String, debug: Bool,
        production: Bool, location: SourceLocation? = nil
    ) {
        self.name = name
        self.arch = arch
        self.url = url
        self.type = type
        self.debug = debug
        self.production = production
        self.location = location
    }

    /// `(name, arch, debug)`: what identifies it.
    package var key: RepositoryKey { RepositoryKey(name: name, arch: arch, debug: debug) }
}
