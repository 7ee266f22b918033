/// A standalone repository (`repositories/*.yml`), not tied to one platform.
public struct Repository: Sendable, Hashable, Codable {
    public var name: String
    public var arch: String
    public var url: String
    public var type: String
    public var debug: Bool
    public var production: Bool
    public var location: SourceLocation

    public init(name: String, arch: String, url: String, type: String, debug: Bool,
                production: Bool, location: SourceLocation) {
        self.name = name; self.arch = arch; self.url = url; self.type = type
        self.debug = debug; self.production = production; self.location = location
    }
}
