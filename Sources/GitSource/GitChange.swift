/// One file that differs between two commits, as `GitRepository.changes(from:to:under:)` reports it.
///
///     for change in try repo.changes(from: old, to: new, under: nil) where change.kind == .deleted { ... }
public struct GitChange: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case added, modified, deleted
    }

    /// Path relative to the prefix the diff was asked for.
    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String { "\(kind.rawValue.prefix(1).uppercased()) \(path)" }
}
