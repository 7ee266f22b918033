/// A distribution (`distributions/*.yml`): a named set of platforms, and the builds whose
/// packages it carries.
package struct Distribution: Sendable, Hashable, Codable {
    package var name: String
    /// Platform names.
    package var platforms: [String]
    /// Build ids whose packages the distribution carries (`builds:`; distinct, positive).
    package var builds: [Int]
    /// Where it is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(name: String, platforms: [String], builds: [Int] = [], location: SourceLocation? = nil) {
        self.name = name
        self.platforms = platforms
        self.builds = builds
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case name, platforms, builds, location
    }

    /// A record saved before `builds` existed reads with none.
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        platforms = try c.decode([String].self, forKey: .platforms)
        builds = try c.decodeIfPresent([Int].self, forKey: .builds) ?? []
        location = try c.decodeIfPresent(SourceLocation.self, forKey: .location)
    }
}
