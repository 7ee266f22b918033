/// The architecture rules of desired state (see docs/spec.md, "Architectures").
///
/// ```swift
/// Architecture.buildArches(for: "rpm")        // x86_64, x86_64_v2, aarch64, ppc64le, s390x, i686, riscv64
/// Architecture.isKnown("noarch", type: "rpm") // true
/// ```
package enum Architecture {
    /// Architectures an rpm platform builds for (allowed in `arch_list`).
    package static let rpmBuild = ["x86_64", "x86_64_v2", "aarch64", "ppc64le", "s390x", "i686", "riscv64"]
    /// Architectures a deb platform builds for (allowed in `arch_list`).
    package static let debBuild = ["amd64", "arm64"]
    /// Source packages (both types): allowed as a repository arch, never in `arch_list`.
    package static let source = "src"
    /// Architecture-independent packages: `noarch` (rpm), `all` (deb).
    package static func independent(for type: String) -> String { type == "deb" ? "all" : "noarch" }

    /// Build architectures of a package type; unknown types get rpm's and deb's together.
    package static func buildArches(for type: String) -> [String] {
        switch type {
        case "rpm": rpmBuild
        case "deb": debBuild
        default: rpmBuild + debBuild
        }
    }

    /// Every architecture a package or a standalone repository of this type may have:
    /// the build arches plus the independent one and `src`.
    package static func allArches(for type: String) -> [String] {
        switch type {
        case "rpm", "deb": buildArches(for: type) + [independent(for: type), source]
        default: rpmBuild + debBuild + ["noarch", "all", source]
        }
    }

    /// Whether `arch` is known for packages of `type`.
    package static func isKnown(_ arch: String, type: String) -> Bool {
        switch type {
        case "rpm": rpmAll.contains(arch)
        case "deb": debAll.contains(arch)
        default: anyAll.contains(arch)
        }
    }

    /// Whether a release may place a package of `arch` into a repository of `repoArch`: the
    /// same arch, an independent package anywhere, and multilib (`i686` into `x86_64`).
    package static func canPlace(_ arch: String, into repoArch: String) -> Bool {
        arch == repoArch || arch == "noarch" || arch == "all" || (arch == "i686" && repoArch == "x86_64")
    }

    private static let rpmAll = Set(allArches(for: "rpm"))
    private static let debAll = Set(allArches(for: "deb"))
    private static let anyAll = Set(allArches(for: ""))
}
