/// A distribution (`distributions/*.yml`): a named set of platforms.
package struct Distribution: Sendable, Hashable, Codable {
    package var name: String
    /// Platform names.
    package var platforms: [String]
    /// Where it is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(name: String, platforms: [String], location: SourceLocation? = nil) {
        self.name = name
        self.platforms = platforms
        self.location = location
    }
}
