import Spec

/// What identifies a repository row: `(name, arch, debug)` (the table's unique key).
public struct RepositoryKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var name: String
    public var arch: String
    public var debug: Bool

    public init(name: String, arch: String, debug: Bool) {
        self.name = name; self.arch = arch; self.debug = debug
    }

    /// `almalinux-9-baseos/x86_64`, `almalinux-9-baseos/x86_64/debug`.
    public var description: String { debug ? "\(name)/\(arch)/debug" : "\(name)/\(arch)" }

    public static func < (lhs: RepositoryKey, rhs: RepositoryKey) -> Bool {
        (lhs.name, lhs.arch, lhs.debug ? 1 : 0) < (rhs.name, rhs.arch, rhs.debug ? 1 : 0)
    }

    /// As identity / attribute value: `{"arch": ..., "debug": ..., "name": ...}`.
    public var json: [String: JSONValue] {
        ["name": .string(name), "arch": .string(arch), "debug": .bool(debug)]
    }

    /// Reads the value written by `json`.
    public init?(json: [String: JSONValue]) {
        guard case .string(let name)? = json["name"], case .string(let arch)? = json["arch"] else { return nil }
        var debug = false
        if case .bool(let d)? = json["debug"] { debug = d }
        self.init(name: name, arch: arch, debug: debug)
    }
}
