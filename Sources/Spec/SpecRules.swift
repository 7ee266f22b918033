/// What the loader accepts beyond the format: size limits for untrusted input and the URL
/// schemes repositories may use. Desired state arrives through pull requests, so every limit
/// is checked before anything is built from a file.
///
/// ```swift
/// var rules = SpecRules.default
/// rules.urlSchemes.insert("ftp")                 // KILN_REPOSITORY_URL_SCHEMES=http,https,ftp
/// let result = SpecLoader.load(files, rules: rules)
/// ```
package struct SpecRules: Sendable, Hashable {
    /// Largest file read, in bytes (larger files are refused unread).
    package var maxFileBytes: Int
    /// Largest object, in bytes of its scalars plus one per node, with every YAML alias counted
    /// as the full copy it stands for: bounds what alias expansion ("billion laughs") can build.
    package var maxObjectSize: Int
    /// Deepest nesting of lists and mappings (the file's top mapping is level 1).
    package var maxDepth: Int
    /// URL schemes allowed in `url` and `public_url`, lowercase (`http`, `https`).
    package var urlSchemes: Set<String>

    package init(
        maxFileBytes: Int = 1 << 20, maxObjectSize: Int = 1 << 20, maxDepth: Int = 64,
        urlSchemes: Set<String> = SpecRules.defaultURLSchemes
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxObjectSize = maxObjectSize
        self.maxDepth = maxDepth
        self.urlSchemes = urlSchemes
    }

    /// `http` and `https`: a `file://` remote would let a synced Pulp read its own host's files.
    package static let defaultURLSchemes: Set<String> = ["http", "https"]

    /// 1 MiB files and objects, 64 levels, http and https.
    package static let `default` = SpecRules()
}
