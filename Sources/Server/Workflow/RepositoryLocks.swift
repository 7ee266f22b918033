import Artifacts

/// Serializes the creation of one artifact-store repository across concurrent `build_done`
/// calls and remembers repositories already ensured, so each is looked up once per process.
actor RepositoryLocks {
    private var known: [String: StoreRepository] = [:]
    private var inFlight: [String: Task<StoreRepository, any Error>] = [:]

    /// The repository for `spec`, ensured in `store` at most once at a time.
    func ensure(_ spec: StoreRepositorySpec, in store: any ArtifactStore) async throws -> StoreRepository {
        if let repository = known[spec.name] { return repository }
        if let task = inFlight[spec.name] { return try await task.value }
        let task = Task { try await store.ensureRepository(spec) }
        inFlight[spec.name] = task
        defer { inFlight[spec.name] = nil }
        let repository = try await task.value
        known[spec.name] = repository
        return repository
    }

    /// Forgets repositories (after they were deleted).
    func forget(_ names: [String]) {
        for name in names { known[name] = nil }
    }
}
