import Artifacts

/// Serializes the creation of one artifact-store repository across concurrent imports in this
/// process and remembers repositories already ensured, so each is looked up once per process.
/// Across processes creation is idempotent: when another process created the repository (or
/// its remote or distribution) first, the store answers "must be unique" (Pulp 400 or a failed
/// create task) and the
/// ensure is run again, which then finds and reuses what the other process made.
package actor RepositoryLocks {
    private var known: [String: StoreRepository] = [:]
    private var inFlight: [String: Task<StoreRepository, any Error>] = [:]

    /// How often an ensure that lost a creation race is run again.
    static let raceRetries = 4

    /// The repository for `spec`, ensured in `store` at most once at a time.
    func ensure(_ spec: StoreRepositorySpec, in store: any ArtifactStore) async throws -> StoreRepository {
        if let repository = known[spec.name] { return repository }
        if let task = inFlight[spec.name] { return try await task.value }
        let task = Task { try await Self.ensureRacing(spec, in: store) }
        inFlight[spec.name] = task
        defer { inFlight[spec.name] = nil }
        let repository = try await task.value
        known[spec.name] = repository
        return repository
    }

    /// `store.ensureRepository(spec)`, run again when another process won the creation race.
    package static func ensureRacing(
        _ spec: StoreRepositorySpec, in store: any ArtifactStore
    ) async throws -> StoreRepository {
        var attempt = 0
        while true {
            do {
                return try await store.ensureRepository(spec)
            } catch let error as PulpError where Self.lostCreationRace(error) && attempt < raceRetries {
                attempt += 1
                try await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }

    /// Pulp refused a create because the object exists: a 400 on the create call, or a failed
    /// create task (distributions are created by a task) whose error says "must be unique".
    static func lostCreationRace(_ error: PulpError) -> Bool {
        switch error.kind {
        case .http: error.status == 400
        case .taskFailed: error.body.contains("unique")
        case .transport, .timeout, .decoding: false
        }
    }

    /// Forgets every repository (after an import failed: one may have been deleted meanwhile).
    func forgetAll() {
        known = [:]
    }

    /// Forgets repositories (after they were deleted).
    func forget(_ names: [String]) {
        for name in names { known[name] = nil }
    }
}
