/// Everything a desired-state repository declares, validated.
package struct DesiredState: Sendable, Hashable, Codable {
    package var platforms: [Platform]
    package var distributions: [Distribution]
    package var repositories: [Repository]
    package var signKeys: [SignKey]
    package var releases: [ReleasePlan]
    package var flavors: [Flavor]

    package init(
        platforms: [Platform] = [], distributions: [Distribution] = [],
        repositories: [Repository] = [], signKeys: [SignKey] = [],
        releases: [ReleasePlan] = [], flavors: [Flavor] = []
    ) {
        self.platforms = platforms
        self.distributions = distributions
        self.repositories = repositories
        self.signKeys = signKeys
        self.releases = releases
        self.flavors = flavors
    }
}

/// One file of a desired-state repository, as read from git or a folder.
///
/// A symlink or a file too large to read is still listed (with no contents), so the loader can
/// refuse it at its path.
package struct SpecFile: Sendable, Hashable {
    /// What the tree entry is.
    package enum Entry: Sendable, Hashable {
        /// A regular file: `contents` holds its bytes.
        case regular
        /// A symbolic link to `target` (never followed).
        case symlink(target: String)
        /// A regular file of `bytes` bytes, above the limit it was read with: not read.
        case tooLarge(bytes: Int)
    }

    /// Path relative to the repository root, `/`-separated (`platforms/almalinux-9.yml`).
    package var path: String
    package var contents: [UInt8]
    package var entry: Entry

    package init(path: String, contents: [UInt8], entry: Entry = .regular) {
        self.path = path
        self.contents = contents
        self.entry = entry
    }
}
