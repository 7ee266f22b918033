/// An artifact-store repository the desired state allows Kiln to delete with its content,
/// from a `retired/*.yml` file. Without such an entry a store repository that holds packages
/// is never deleted by a plan, only reported as kept.
///
/// ```yaml
/// # retired/almalinux-9-baseos.yml
/// store_repositories:
///   - almalinux-9-baseos-x86_64
/// ```
package struct RetiredStoreRepository: Sendable, Hashable, Codable {
    /// The store repository's name (`almalinux-9-baseos-x86_64`, `...-x86_64-debug`).
    package var name: String
    package var location: SourceLocation?

    package init(name: String, location: SourceLocation? = nil) {
        self.name = name
        self.location = location
    }
}

extension RepositoryKey {
    /// The name of this repository's repository in the artifact store:
    /// `almalinux-9-baseos-x86_64`, `almalinux-9-baseos-x86_64-debug`.
    package var storeName: String { "\(name)-\(arch)" + (debug ? "-debug" : "") }
}
