import Foundation

/// An artifact (a file's bytes) held by the store, not yet content of any repository.
package struct UploadedArtifact: Sendable, Hashable, Codable {
    /// Pulp artifact href (`/pulp/api/v3/artifacts/<uuid>/`) or the local store's href.
    package var href: String
    /// Lowercase hex sha256 of the bytes.
    package var sha256: String
    package var size: Int

    package init(href: String, sha256: String, size: Int) {
        self.href = href
        self.sha256 = sha256
        self.size = size
    }
}

/// One already uploaded artifact to turn into repository content.
package struct ImportItem: Sendable, Hashable, Codable {
    /// The artifact href, as a build node reports it.
    package var artifactHref: String
    /// The sha256 the uploader claims; the import is refused when the store's differs.
    package var sha256: String
    /// File name inside the repository (`bash-5.1-1.el9.x86_64.rpm`, `mock.log`).
    package var fileName: String

    package init(artifactHref: String, sha256: String, fileName: String) {
        self.artifactHref = artifactHref
        self.sha256 = sha256
        self.fileName = fileName
    }
}

/// One content unit of a repository: an RPM package (with NEVRA) or a file.
package struct StoreContent: Sendable, Hashable, Codable {
    /// Pulp content href (`/pulp/api/v3/content/rpm/packages/<uuid>/`) or the local content href.
    /// Pass it to `ArtifactStore.modifyContent` to add the same unit to another repository.
    package var href: String
    /// File name (RPM `locationHref` basename, or a file's relative path).
    package var fileName: String
    package var sha256: String
    /// RPM header fields; nil for plain files.
    package var name: String?
    package var epoch: String?
    package var version: String?
    package var release: String?
    /// RPM arch (`x86_64`, `noarch`, `src` for source packages); nil for plain files.
    package var arch: String?

    package init(
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
    package var nevra: String? {
        guard let name, let version, let release, let arch else { return nil }
        let e = epoch.map { $0.isEmpty || $0 == "0" ? "" : "\($0):" } ?? ""
        return "\(name)-\(e)\(version)-\(release).\(arch)"
    }
}

/// What `importPackages` returns: the content created (or found) for each item.
package typealias ImportedPackage = StoreContent
