/// The kind of a per-build artifact-store repository (`build_repositories.kind`).
package enum BuildRepositoryKind: String, SQLConstant, Codable {
    /// Binary packages.
    case rpm
    /// debuginfo / debugsource packages.
    case debug
    /// Source packages.
    case src
    /// Build logs.
    case log

    /// The kinds a build node installs from (mock repositories).
    package static let installable: [BuildRepositoryKind] = [.rpm, .debug]
}
