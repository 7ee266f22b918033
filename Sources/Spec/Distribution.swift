/// A distribution (`distributions/*.yml`): a named set of platforms.
public struct Distribution: Sendable, Hashable, Codable {
    public var name: String
    /// Platform names.
    public var platforms: [String]
    /// Where it is declared; nil for one read back from the database.
    public var location: SourceLocation?

    public init(name: String, platforms: [String], location: SourceLocation? = nil) {
        self.name = name; self.platforms = platforms; self.location = location
    }
}
