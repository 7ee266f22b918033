/// The kinds of object a desired-state repository declares, one folder each.
///
/// ```swift
/// SpecKind(path: "platforms/almalinux-9.yml")   // .platform
/// SpecKind(path: "README.md")                   // nil
/// ```
package enum SpecKind: String, Sendable, Hashable, Codable, CaseIterable {
    case platform
    case distribution
    case repository
    case signKey = "sign_key"
    case release
    case flavor
    /// Store repositories that may be deleted with their content (`retired/*.yml`).
    case retired
    /// Teams: members with roles, and the platforms and products they own (`teams/*.yml`).
    case team

    /// The top-level folder holding this kind's files.
    package var folder: String {
        switch self {
        case .platform: "platforms"
        case .distribution: "distributions"
        case .repository: "repositories"
        case .signKey: "sign-keys"
        case .release: "releases"
        case .flavor: "flavors"
        case .retired: "retired"
        case .team: "teams"
        }
    }

    /// Human name used in messages (`sign key`).
    package var displayName: String {
        switch self {
        case .signKey: "sign key"
        case .retired: "retired list"
        default: rawValue
        }
    }

    /// The kind a file path belongs to: a `*.yml`/`*.yaml` file anywhere under one of the
    /// kind folders. `nil` for every other file (README.md, files at the root, ...).
    package init?(path: String) {
        guard path.hasSuffix(".yml") || path.hasSuffix(".yaml") else { return nil }
        self.init(folderOf: path)
    }

    /// The kind whose folder holds `path` (any file name), `nil` outside the kind folders.
    package init?(folderOf path: String) {
        guard let slash = path.firstIndex(of: "/") else { return nil }
        let folder = path[..<slash]
        guard let kind = SpecKind.allCases.first(where: { $0.folder == folder }) else { return nil }
        self = kind
    }
}
