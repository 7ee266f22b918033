extension ArtifactStore {
    /// Default: no URL (a store that serves nothing).
    package func packageURL(fileName: String, in repository: StoreRepository) -> String? { nil }
}

extension PulpArtifactStore {
    /// Pulp publishes an RPM at `Packages/<first letter, lowercased>/<file name>` under the
    /// distribution's base URL (the layout ALBS's `built_srpm_url` relies on too).
    package func packageURL(fileName: String, in repository: StoreRepository) -> String? {
        guard let base = repository.url, let first = fileName.first else { return nil }
        return joinURL(base, "Packages/\(String(first).lowercased())/\(fileName)")
    }
}

extension LocalArtifactStore {
    /// The local store keeps a repository's files flat in its `content/` folder, which is what the
    /// repository URL points at (served over HTTP by `kiln serve`, else `file://`).
    nonisolated package func packageURL(fileName: String, in repository: StoreRepository) -> String? {
        guard let base = repository.url, !fileName.isEmpty else { return nil }
        return joinURL(base, fileName)
    }
}

/// `base` and `path` joined by exactly one `/`.
private func joinURL(_ base: String, _ path: String) -> String {
    base.hasSuffix("/") ? base + path : base + "/" + path
}
