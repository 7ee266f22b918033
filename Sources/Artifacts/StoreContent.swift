import Foundation

/// An artifact (a file's bytes) held by the store, not yet content of any repository.
public struct UploadedArtifact: Sendable, Hashable, Codable {
    /// Pulp artifact href (`/pulp/api/v3/artifacts/<uuid>/`) or the local store's href.
    public var href: String
    /// Lowercase hex sha256 of the bytes.
    public var sha256: String
    public var size: Int

    public init(href: String, sha256: String, size: Int) {
        self.href = href
        self.sha256 = sha256
        self.size = size
    }
}

/// One already uploaded artifact to turn into repository content.
public struct ImportItem: Sendable, Hashable, Codable {
    /// The artifact href, as a build node reports it.
    public var artifactHref: String
    /// The sha256 the uploader claims; the import is refused when the store's differs.
    public var sha256: String
    /// File name inside the repository (`bash-5.1-1.el9.x86_64.rpm`, `mock.log`).
    public var fileName: String

    public init(artifactHref: String, sha256: String, fileName: String) {
        self.artifactHref = artifactHref
        self.sha256 = sha256
        self.fileName = fileName
    }
}

/// One content unit of a repository: an RPM package (with NEVRA) or a file.
public struct StoreContent: Sendable, Hashable, Codable {
    /// Pulp content href (`/pulp/api/v3/content/rpm/packages/<uuid>/`) or the local content href.
    /// Pass it to `ArtifactStore.modifyContent` to add the same unit to another repository.
    public var href: String
    /// File name (RPM `locationHref` basename, or a file's relative path).
    public var fileName: String
    public var sha256: String
    /// RPM header fields; nil for plain files.
    public var name: String?
    public var epoch: String?
    public var version: String?
    public var release: String?
    /// RPM arch (`x86_64`, `noarch`, `src` for source packages); nil for plain files.
    public var arch: String?

    public init(
        href: String, fileName: String, sha256: String, name: String? = nil, epoch: String? = nil,
        version: String? = nil, release: String? = nil, arch: String? = nil
    ) {
        self.href = href
        self.fileName = fileName
        self.sha256 = sha256
        self.name = name
        self.epoch = epoch
        self.version = version
        self.release = release
        self.arch = arch
    }

    /// `name-[epoch:]version-release.arch`, nil for plain files.
    public var nevra: String? {
        guard let name, let version, let release, let arch else { return nil }
        let e = epoch.map { $0.isEmpty || $0 == "0" ? "" : "\($0):" } ?? ""
        return "\(name)-\(e)\(version)-\(release).\(arch)"
    }
}

/// What `importPackages` returns: the content created (or found) for each item.
public typealias ImportedPackage = StoreContent
