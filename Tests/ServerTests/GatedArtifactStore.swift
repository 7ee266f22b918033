import Artifacts
import Foundation
import NIOConcurrencyHelpers

/// An artifact store that holds every `importPackages` call at a gate until the test opens it,
/// reporting each call that reached the gate: tests observe an import in progress by events,
/// not by timing. Everything else goes straight to `base`.
final class GatedArtifactStore: ArtifactStore {
    let base: any ArtifactStore
    /// One element per `importPackages` call that reached the gate.
    let entered: AsyncStream<String>
    private let enteredContinuation: AsyncStream<String>.Continuation
    private let waiters = NIOLockedValueBox<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    init(base: any ArtifactStore) {
        self.base = base
        (entered, enteredContinuation) = AsyncStream.makeStream(of: String.self)
    }

    /// Lets every held and later import through.
    func open() {
        let waiting = waiters.withLockedValue { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiting { waiter.resume() }
    }

    private func gate(_ repository: String) async {
        enteredContinuation.yield(repository)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let open = waiters.withLockedValue { state in
                if !state.open { state.waiting.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    var storeDescription: String { "gated " + base.storeDescription }
    func listManagedRepositories() async throws -> [StoreRepository] { try await base.listManagedRepositories() }
    func repository(named name: String) async throws -> StoreRepository? { try await base.repository(named: name) }
    func ensureRepository(_ spec: StoreRepositorySpec) async throws -> StoreRepository {
        try await base.ensureRepository(spec)
    }
    func ensureRepositories(_ specs: [StoreRepositorySpec], maxConcurrent: Int) async throws -> [StoreRepository] {
        try await base.ensureRepositories(specs, maxConcurrent: maxConcurrent)
    }
    func deleteRepository(named name: String) async throws { try await base.deleteRepository(named: name) }
    func uploadArtifact(file: URL) async throws -> UploadedArtifact { try await base.uploadArtifact(file: file) }
    func importPackages(_ items: [ImportItem], into repository: String) async throws -> [ImportedPackage] {
        await gate(repository)
        return try await base.importPackages(items, into: repository)
    }
    func modifyContent(of repository: String, add: [String], remove: [String]) async throws {
        try await base.modifyContent(of: repository, add: add, remove: remove)
    }
    func listContent(of repository: String) async throws -> [StoreContent] {
        try await base.listContent(of: repository)
    }
    func downloadPackage(fileName: String, in repository: String, to destination: URL) async throws {
        try await base.downloadPackage(fileName: fileName, in: repository, to: destination)
    }
    func shutdown() async throws {}
    func checkHealth() async throws { try await base.checkHealth() }
}
