/// A distribution (`distributions/*.yml`): a named set of platforms.
public struct Distribution: Sendable, Hashable, Codable {
    public var name: String
    /// Platform names.
    public var platforms: [String]
    public var location: SourceLocation

    public init(name: String, platforms: [String], location: SourceLocation) {
        self.name = name; self.platforms = platforms; self.location = location
    }
}
