import Foundation

/// The two kinds of repository Kiln keeps in an artifact store.
package enum StoreRepositoryKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// RPM packages (Pulp `rpm/rpm`): platform repositories and per-build repositories.
    case rpm
    /// Plain files (Pulp `file/file`): build logs.
    case file
}

/// What Kiln wants to exist in the artifact store: a repository, the distribution that
/// serves it and, when `remoteURL` is set, the remote it is synced from.
package struct StoreRepositorySpec: Sendable, Hashable, Codable {
    /// The label every object Kiln manages carries.
    package static let managedLabelKey = "managed-by"
    /// The value of `managedLabelKey` on Kiln's objects.
    package static let managedLabelValue = "kiln"

    /// Unique name, e.g. `AlmaLinux-9-BaseOS-x86_64` or `build-42-x86_64-rpm`.
    package var name: String
    package var kind: StoreRepositoryKind
    /// Upstream URL to sync from (a Pulp remote); nil means none.
    package var remoteURL: String?
    /// Distribution base path: where the repository is served (relative, no leading slash).
    package var basePath: String
    /// Labels; always includes `managed-by: kiln` (added by the initializer).
    package var labels: [String: String]

    package init(
        name: String, kind: StoreRepositoryKind = .rpm, remoteURL: String? = nil,
        basePath: String? = nil, labels: [String: String] = [:]
    ) {
        self.name = name
        self.kind = kind
        self.remoteURL = remoteURL
        self.basePath = basePath ?? name
        var l = labels
        l[Self.managedLabelKey] = Self.managedLabelValue
        self.labels = l
    }
}

/// What exists in the artifact store for one managed repository.
package struct StoreRepository: Sendable, Hashable, Codable {
    package var name: String
    package var kind: StoreRepositoryKind
    /// The remote's URL, nil when the repository has no remote.
    package var remoteURL: String?
    /// The distribution's base path; nil when the distribution is missing (drift).
    package var basePath: String?
    /// The repository's labels as stored.
    package var labels: [String: String]
    /// Pulp `pulpHref` of the repository, or the local folder path.
    package var href: String
    /// Pulp href of the distribution (nil when missing); the local store uses the folder path.
    package var distributionHref: String?
    /// Pulp href of the remote, nil when there is none.
    package var remoteHref: String?
    /// Where the repository is served (Pulp content URL or a `file://` URL); nil without distribution.
    package var url: String?
    /// The latest repository version (Pulp href or local revision number as text).
    package var latestVersionHref: String?

    package init(
        name: String, kind: StoreRepositoryKind, remoteURL: String?, basePath: String?,
        labels: [String: String], href: String, distributionHref: String?, remoteHref: String?,
        url: String?, latestVersionHref: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.remoteURL = remoteURL
        self.basePath = basePath
        self.labels = labels
        self.href = href
        self.distributionHref = distributionHref
        self.remoteHref = remoteHref
        self.url = url
        self.latestVersionHref = latestVersionHref
    }

    /// The spec this repository currently satisfies (basePath falls back to the name).
    package var spec: StoreRepositorySpec {
        StoreRepositorySpec(name: name, kind: kind, remoteURL: remoteURL, basePath: basePath ?? "", labels: labels)
    }

    /// True when the repository, its distribution and remote match `spec` exactly.
    package func matches(_ spec: StoreRepositorySpec) -> Bool {
        name == spec.name && kind == spec.kind && remoteURL == spec.remoteURL
            && basePath == spec.basePath && labels == spec.labels && distributionHref != nil
    }
}
