/// A repository: standalone (`repositories/*.yml`) or one a platform builds against or
/// releases into (`repos:` of `platforms/*.yml`). Also the record the reconciler plans and
/// writes as a `repositories` row.
public struct Repository: Sendable, Hashable, Codable {
    public var name: String
    public var arch: String
    public var url: String
    /// `rpm` or `deb` (ALBS `type`).
    public var type: String
    public var debug: Bool
    public var production: Bool
    /// Where the repository is declared; nil for one read back from the database.
    public var location: SourceLocation?

    public init(name: String, arch: String, url: String, type: String, debug: Bool,
                production: Bool, location: SourceLocation? = nil) {
        self.name = name; self.arch = arch; self.url = url; self.type = type
        self.debug = debug; self.production = production; self.location = location
    }

    /// `(name, arch, debug)`: what identifies it.
    public var key: RepositoryKey { RepositoryKey(name: name, arch: arch, debug: debug) }
}
