import Artifacts
import Foundation
import GitSource
import KilnTestSupport
import Logging
import PostgresNIO
import Reconciler
import Statuses
import Testing

/// Issue 8: an apply that fails because the artifact store is away is recorded failed with its
/// cause, and the reconcile loop tries again after a back-off (not only at the next interval):
/// once the store is back, the desired state is applied without a push or a timer.
@Suite("Reconcile loop and an artifact store outage")
struct ArtifactStoreOutageLoopTests {
    @Test("a failed apply with the store down is retried with back-off and applied once it is back")
    func retriesUntilTheStoreIsBack() async throws {
        let fixture = try ReconcileFixture.make()
        defer { fixture.cleanup() }
        var logger = Logger(label: "test.store-outage-loop")
        logger.logLevel = .critical
        try await TestDatabase.with { client, _ in
            let store = FlakyWrites(fixture.localStore)
            let engine = ReconcileEngine(
                database: PostgresStateDatabase(client: client, logger: logger), store: store, logger: logger)
            let loop = ReconcileLoop(
                engine: engine, source: .local(try GitRepository(path: fixture.repo.path), ref: "HEAD"),
                interval: .seconds(3600), retryDelay: .milliseconds(100), logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }
                defer { group.cancelAll() }
                await loop.waitForFirstRun()
                let first = try await Self.runs(client)
                #expect(first.first?.result == ReconcileRunResult.failed.rawValue)
                #expect(first.first?.errors.contains("connection refused") == true, "\(first)")

                // retried by the loop itself (trigger `retry`) while the store stays down
                try await Self.eventually { try await Self.runs(client).count >= 2 }
                #expect(try await Self.runs(client).dropFirst().allSatisfy { $0.trigger == "retry" })

                await store.state.set(down: false)
                try await Self.eventually {
                    try await Self.runs(client).contains { $0.result == ReconcileRunResult.applied.rawValue }
                }
                let applied = try await Self.runs(client).first { $0.result == ReconcileRunResult.applied.rawValue }
                #expect(applied?.trigger == "retry")
                #expect(try await fixture.localStore.listManagedRepositories().isEmpty == false)
            }
        }
    }

    struct Run: Sendable {
        var trigger: String
        var result: String
        var errors: String
    }

    static func runs(_ client: PostgresClient) async throws -> [Run] {
        var runs: [Run] = []
        for try await (trigger, result, errors) in try await client.query(
            "SELECT trigger, result, errors::text FROM reconcile_runs ORDER BY id"
        ).decode((String, String, String).self) { runs.append(Run(trigger: trigger, result: result, errors: errors)) }
        return runs
    }

    /// Polls `condition` every 50 ms for up to 60 s (a bound for a stuck loop, not a speed check).
    static func eventually(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("condition not met within 60 s")
    }
}

/// A store whose writes fail as an unreachable Pulp does (connection refused) while `down`.
struct FlakyWrites: ArtifactStore {
    actor State {
        var down = true
        func set(down: Bool) { self.down = down }
    }
    let store: any ArtifactStore
    let state = State()

    init(_ store: any ArtifactStore) { self.store = store }

    var storeDescription: String { "flaky writes" }
    private func check(_ method: String) async throws {
        if await state.down {
            var error = PulpError(
                kind: .transport, method: method, url: "http://127.0.0.1:9/", body: "connection refused")
            error.notSent = true
            throw error
        }
    }
    func listManagedRepositories() async throws -> [StoreRepository] { try await store.listManagedRepositories() }
    func repository(named name: String) async throws -> StoreRepository? { try await store.repository(named: name) }
    func ensureRepository(_ spec: StoreRepositorySpec) async throws -> StoreRepository {
        try await check("POST")
        return try await store.ensureRepository(spec)
    }
    func deleteRepository(named name: String) async throws {
        try await check("DELETE")
        try await store.deleteRepository(named: name)
    }
    func uploadArtifact(file: URL) async throws -> UploadedArtifact {
        try await check("POST")
        return try await store.uploadArtifact(file: file)
    }
    func importPackages(_ items: [ImportItem], into repository: String) async throws -> [ImportedPackage] {
        try await check("POST")
        return try await store.importPackages(items, into: repository)
    }
    func modifyContent(of repository: String, add: [String], remove: [String]) async throws {
        try await check("POST")
        try await store.modifyContent(of: repository, add: add, remove: remove)
    }
    func listContent(of repository: String) async throws -> [StoreContent] {
        try await store.listContent(of: repository)
    }
    func downloadPackage(fileName: String, in repository: String, to destination: URL) async throws {
        try await store.downloadPackage(fileName: fileName, in: repository, to: destination)
    }
    func shutdown() async throws {}
}
