/// One file that differs between two commits, as `GitRepository.changes(from:to:under:)` reports it.
///
///     for change in try repo.changes(from: old, to: new, under: nil) where change.kind == .deleted { ... }
package struct GitChange: Sendable, Hashable, Codable, CustomStringConvertible {
    package enum Kind: String, Sendable, Hashable, Codable {
        case added, modified, deleted
    }

    /// Path relative to the prefix the diff was asked for.
    package var path: String
    package var kind: Kind

    package init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    package var description: String { "\(kind.rawValue.prefix(1).uppercased()) \(path)" }
}
