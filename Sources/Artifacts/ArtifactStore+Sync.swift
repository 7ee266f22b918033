/// What a sync of a repository from its remote did: the content counts of the repository
/// version it made (`newVersion` false and `added`/`removed` zero when upstream had nothing new).
package struct StoreSyncResult: Sendable, Hashable {
    package var added: Int
    package var removed: Int
    package var present: Int
    package var newVersion: Bool

    package init(added: Int, removed: Int, present: Int, newVersion: Bool) {
        self.added = added
        self.removed = removed
        self.present = present
        self.newVersion = newVersion
    }
}

/// The store cannot sync from an upstream (the local store has no remotes to download from).
package struct StoreSyncUnsupported: Error, Sendable, CustomStringConvertible {
    package var description: String
}

extension ArtifactStore {
    /// Default: no syncing from upstream.
    package var syncsFromUpstream: Bool { false }

    /// Default (the local store, which keeps no upstream content): every sync fails cleanly
    /// with `StoreSyncUnsupported` (recorded as a failed sync, never a crash).
    package func syncRepository(named repository: String, policy: String) async throws -> StoreSyncResult {
        throw StoreSyncUnsupported(
            description: "artifact store \(storeDescription) cannot sync '\(repository)' from upstream; use Pulp")
    }
}
