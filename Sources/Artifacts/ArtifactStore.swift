import Foundation

/// The artifact store Kiln talks to: a real Pulp (`PulpArtifactStore`) or, by default,
/// folders on disk (`LocalArtifactStore`). Both have the same semantics: objects are
/// looked up by name before they are created, Kiln's objects carry `managed-by: kiln`,
/// deleting something absent succeeds.
///
/// Users: the Reconciler (desired repositories -> store repositories) and the build
/// workflow (per-build repositories, importing what nodes uploaded, noarch copies, logs).
package protocol ArtifactStore: Sendable {
    /// Short description for logs and plans, e.g. `pulp http://127.0.0.1:24817` or `local /x`.
    var storeDescription: String { get }

    /// Every repository carrying `managed-by: kiln`, read in bulk (large pages, never one
    /// request per object), joined with its distribution and remote.
    func listManagedRepositories() async throws -> [StoreRepository]

    /// The repository named `name` (managed or not), nil when absent.
    func repository(named name: String) async throws -> StoreRepository?

    /// Creates or updates the repository, its distribution and (when `remoteURL` is set) its
    /// remote to match `spec`; idempotent. A remote no longer wanted is removed.
    func ensureRepository(_ spec: StoreRepositorySpec) async throws -> StoreRepository

    /// Ensures many repositories with at most `maxConcurrent` writes in flight; results in the
    /// order of `specs`. The default runs `ensureRepository` per spec; Pulp reads in bulk first.
    func ensureRepositories(_ specs: [StoreRepositorySpec], maxConcurrent: Int) async throws -> [StoreRepository]

    /// Deletes the repository, its distribution and its remote; absent is fine.
    func deleteRepository(named name: String) async throws

    /// Stores a file's bytes as an artifact (what a build node does before `build_done`).
    func uploadArtifact(file: URL) async throws -> UploadedArtifact

    /// Turns uploaded artifacts into content (RPM packages for `.rpm` repositories, files for
    /// `.file` ones) and adds them to `repository` in one new version, which is published.
    /// Refuses the whole import, adding nothing, when an artifact is unknown or its sha256
    /// differs from the item's (`ArtifactStoreError.checksumMismatch`). Importing the same
    /// bytes again returns the existing content.
    func importPackages(_ items: [ImportItem], into repository: String) async throws -> [ImportedPackage]

    /// Adds and removes existing content units (by `StoreContent.href`) in one new version of
    /// `repository` (e.g. noarch packages copied to every arch's build repository).
    func modifyContent(of repository: String, add: [String], remove: [String]) async throws

    /// Where a node downloads the RPM `fileName` of `repository` once it is imported (the
    /// served content URL), nil when the store serves nothing at a URL.
    func packageURL(fileName: String, in repository: StoreRepository) -> String?

    /// Downloads the RPM `fileName` of `repository` (what ``packageURL(fileName:in:)`` serves) to
    /// `destination`, streamed to disk through a temporary file next to it and then renamed
    /// (an existing file is replaced). `ArtifactStoreError.repositoryNotFound` when the repository
    /// is absent, `.artifactNotFound` when it serves no such file, `.invalidName` for a name
    /// with a `/` or a leading `.`.
    func downloadPackage(fileName: String, in repository: String, to destination: URL) async throws

    /// Syncs `repository` from its remote (`ArtifactStore+Sync.swift`), the remote's download
    /// policy set to `policy` first; waits for the sync and reports the new version's counts.
    func syncRepository(named repository: String, policy: String) async throws -> StoreSyncResult

    /// Whether ``syncRepository(named:policy:)`` can work here (Pulp: yes; the local store: no,
    /// so plans against it list no syncs due).
    var syncsFromUpstream: Bool { get }

    /// The content of the latest version of `repository`.
    func listContent(of repository: String) async throws -> [StoreContent]

    /// How many content units (packages, files) the latest version of `repository` holds, 0 when
    /// it has no version yet; `ArtifactStoreError.repositoryNotFound` when it is absent. What
    /// the planner asks before it would delete a repository.
    func contentCount(of repository: String) async throws -> Int

    /// Releases connections; call once when done with the store.
    func shutdown() async throws

    /// Throws when the store cannot be reached now (`/health`); quick and without retries.
    func checkHealth() async throws

    /// Whether `href` has the shape of the artifact hrefs this store hands out to uploaders:
    /// cheap and without I/O (`build_done` asks per artifact before recording the result; the
    /// import still checks that the artifact exists and its sha256).
    func recognizesArtifact(href: String) -> Bool

    /// Which store Kiln uses and what a build node must upload to (the detail of a `build_done`
    /// whose hrefs this store cannot resolve).
    var nodeUploadHint: String { get }
}

extension ArtifactStore {
    /// Default: any href (the import decides).
    package func recognizesArtifact(href: String) -> Bool { true }

    /// Default: the store's description.
    package var nodeUploadHint: String { "Kiln's artifact store is \(storeDescription)" }

    /// Default: the length of `listContent(of:)`.
    package func contentCount(of repository: String) async throws -> Int {
        try await listContent(of: repository).count
    }

    /// Default: the store is there when it can list Kiln's repositories.
    package func checkHealth() async throws {
        _ = try await listManagedRepositories()
    }

    /// Default: `ensureRepository` per spec, `maxConcurrent` in flight; the first error is thrown.
    package func ensureRepositories(
        _ specs: [StoreRepositorySpec], maxConcurrent: Int = 8
    ) async throws -> [StoreRepository] {
        try await boundedMap(specs, maxConcurrent: maxConcurrent) { try await self.ensureRepository($0) }
    }

    /// Deletes many repositories with at most `maxConcurrent` in flight.
    package func deleteRepositories(named names: [String], maxConcurrent: Int = 8) async throws {
        _ = try await boundedMap(names, maxConcurrent: maxConcurrent) { try await self.deleteRepository(named: $0) }
    }
}

/// Runs `body` over `items` with at most `maxConcurrent` calls in flight, keeping order.
package func boundedMap<T: Sendable, R: Sendable>(
    _ items: [T], maxConcurrent: Int, _ body: @escaping @Sendable (T) async throws -> R
) async throws -> [R] {
    let width = max(1, maxConcurrent)
    return try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        while next < min(width, items.count) {
            let i = next
            let item = items[i]
            group.addTask { (i, try await body(item)) }
            next += 1
        }
        while let (i, r) = try await group.next() {
            results[i] = r
            if next < items.count {
                let j = next
                let item = items[j]
                group.addTask { (j, try await body(item)) }
                next += 1
            }
        }
        return results.compactMap { $0 }
    }
}

/// Errors both stores raise for bad input (Pulp transport/HTTP errors are `PulpError`).
package enum ArtifactStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case repositoryNotFound(String)
    case artifactNotFound(String)
    case checksumMismatch(href: String, expected: String, actual: String)
    case invalidName(String)
    case invalidPackage(String)
    case kindMismatch(repository: String, existing: StoreRepositoryKind, wanted: StoreRepositoryKind)

    package var description: String {
        switch self {
        case .repositoryNotFound(let n): return "artifact store: repository '\(n)' not found"
        case .artifactNotFound(let h): return "artifact store: artifact '\(h)' not found"
        case .checksumMismatch(let h, let e, let a):
            return "artifact store: sha256 mismatch for \(h): expected \(e), store has \(a)"
        case .invalidName(let n): return "artifact store: invalid name '\(n)'"
        case .invalidPackage(let m): return "artifact store: invalid package: \(m)"
        case .kindMismatch(let r, let e, let w):
            return "artifact store: repository '\(r)' exists as \(e.rawValue), wanted \(w.rawValue)"
        }
    }
}

/// The artifact store cannot be reached (`checkHealth`).
package struct ArtifactStoreUnavailable: Error, Sendable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
