/// What identifies a repository: `(name, arch, debug)`, the unique key of the `repositories`
/// table and of one repository in the artifact store. Used by Spec, the Reconciler and Store.
///
///     RepositoryKey(name: "almalinux-9-baseos", arch: "x86_64", debug: true).description
///     // almalinux-9-baseos/x86_64/debug
package struct RepositoryKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    package var name: String
    package var arch: String
    package var debug: Bool

    package init(name: String, arch: String, debug: Bool) {
        self.name = name
        self.arch = arch
        self.debug = debug
    }

    /// `almalinux-9-baseos/x86_64`, `almalinux-9-baseos/x86_64/debug`.
    package var description: String { debug ? "\(name)/\(arch)/debug" : "\(name)/\(arch)" }

    package static func < (lhs: RepositoryKey, rhs: RepositoryKey) -> Bool {
        (lhs.name, lhs.arch, lhs.debug ? 1 : 0) < (rhs.name, rhs.arch, rhs.debug ? 1 : 0)
    }
}
