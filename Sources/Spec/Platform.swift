/// A build platform (`platforms/*.yml`), e.g. AlmaLinux-9: what it builds for and against.
public struct Platform: Sendable, Hashable, Codable {
    public var name: String
    /// `rpm` or `deb`.
    public var type: String
    public var distrType: String
    public var distrVersion: String
    public var testDistName: String
    public var archList: [String]
    /// The build configuration handed to nodes (mock options, definitions, ...).
    public var data: [String: JSONValue]
    public var repos: [PlatformRepo]
    /// Where the object is defined.
    public var location: SourceLocation

    public init(name: String, type: String, distrType: String, distrVersion: String,
                testDistName: String, archList: [String], data: [String: JSONValue],
                repos: [PlatformRepo], location: SourceLocation) {
        self.name = name; self.type = type; self.distrType = distrType
        self.distrVersion = distrVersion; self.testDistName = testDistName
        self.archList = archList; self.data = data; self.repos = repos; self.location = location
    }
}

/// A repository a platform builds against or releases into.
public struct PlatformRepo: Sendable, Hashable, Codable {
    public var name: String
    public var arch: String
    public var url: String
    /// `rpm`, `deb` or `build_log`... (ALBS `type`).
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
