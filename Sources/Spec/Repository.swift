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
    /// `sync:` as declared; nil when the file declares none (``effectiveSync`` gives the defaults).
    package var sync: RepositorySync?
    /// Where the repository is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, arch: String, url: String, type: String, debug: Bool,
        production: Bool, sync: RepositorySync? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.arch = arch
        self.url = url
        self.type = type
        self.debug = debug
        self.production = production
        self.sync = sync
        self.location = location
    }

    /// The sync schedule that applies: the declared one or the defaults.
    package var effectiveSync: RepositorySync { sync ?? .default }

    /// `(name, arch, debug)`: what identifies it.
    package var key: RepositoryKey { RepositoryKey(name: name, arch: arch, debug: debug) }
}
