import Foundation
import GitSource
import KilnTestSupport
import Logging
import PostgresNIO
import Reconciler
import Statuses
import Store
import Testing

/// Reconcile runs left `running` (a killed process, a database outage mid-run) end up `failed`
/// with a readable cause.
@Suite("Interrupted reconcile runs")
struct InterruptedRunTests {
    static func quiet() -> Logger {
        var logger = Logger(label: "test.interrupted")
        logger.logLevel = .critical
        return logger
    }

    static func run(_ client: PostgresClient, _ id: Int64) async throws -> (result: String, errors: String) {
        for try await (result, errors) in try await client.query(
            "SELECT result, errors::text FROM reconcile_runs WHERE id = \(id)"
        ).decode((String, String).self) { return (result, errors) }
        throw CancellationError()
    }

    @Test("the startup sweep marks a stale running run failed, unless another process holds the lock")
    func startupSweep() async throws {
        try await TestDatabase.with { client, _ in
            let engine = ReconcileEngine(
                database: PostgresStateDatabase(client: client, logger: Self.quiet()), store: nil,
                logger: Self.quiet())
            var stale: Int64 = 0
            for try await id in try await client.query(
                """
                INSERT INTO reconcile_runs (trigger, started_at) VALUES ('timer', now() - interval '1 hour') RETURNING id
                """
            ).decode(Int64.self) { stale = id }

            // another process reconciling (holding the lock): nothing is touched
            let busy = try await ReconcileRunStore(client: client).withReconcileLock {
                try await engine.failInterruptedRuns()
            }
            #expect(busy == .some(nil))
            #expect(try await Self.run(client, stale).result == ReconcileRunResult.running.rawValue)

            let swept = try await engine.failInterruptedRuns()
            #expect(swept == [stale])
            let row = try await Self.run(client, stale)
            #expect(row.result == ReconcileRunResult.failed.rawValue)
            #expect(row.errors.contains("stopped or lost its database connection"))
        }
    }

    @Test("a running run whose lock session is gone is failed at once; an ownerless young one waits its grace")
    func ownedRunsNeedNoGrace() async throws {
        try await TestDatabase.with { client, _ in
            let engine = ReconcileEngine(
                database: PostgresStateDatabase(client: client, logger: Self.quiet()), store: nil,
                logger: Self.quiet())
            var ids: [Int64] = []
            // a `kiln apply` killed a moment ago (its session held the lock, pid 2147483000), and a
            // failure being recorded right now outside the lock (no owner)
            for try await id in try await client.query(
                """
                INSERT INTO reconcile_runs (trigger, owner_pid) VALUES ('cli', 2147483000), ('timer', NULL) RETURNING id
                """
            ).decode(Int64.self) { ids.append(id) }
            #expect(ids.count == 2)
            let swept = try await engine.failInterruptedRuns()
            #expect(swept == [ids[0]])
            #expect(try await Self.run(client, ids[0]).result == ReconcileRunResult.failed.rawValue)
            #expect(try await Self.run(client, ids[1]).result == ReconcileRunResult.running.rawValue)

            // a run started under the lock records the lock session as its owner
            let owner = try await ReconcileRunStore(client: client).withReconcileLock { () -> Bool in
                let store = ReconcileRunStore(client: client)
                let id = try await store.start(trigger: "api", commitSHA: nil)
                for try await owned in try await client.query(
                    "SELECT owner_pid IS NOT NULL FROM reconcile_runs WHERE id = \(id)"
                ).decode(Bool.self) { return owned }
                return false
            }
            #expect(owner == true)
        }
    }

    @Test("a run the database left mid-way is recorded failed with the cause once it is back")
    func outageMidRun() async throws {
        let fixture = try ReconcileFixture.make()
        defer { fixture.cleanup() }
        try await TestDatabase.with { client, _ in
            let flaky = FlakyStateDatabase(PostgresStateDatabase(client: client, logger: Self.quiet()))
            let engine = ReconcileEngine(database: flaky, store: fixture.localStore, logger: Self.quiet())
            let loop = ReconcileLoop(
                engine: engine, source: .local(try GitRepository(path: fixture.repo.path), ref: "HEAD"),
                interval: .seconds(3600), logger: Self.quiet())

            await flaky.state.set(goDownAfterStart: true)
            #expect(await loop.reconcileNow(trigger: "api") == nil)
            var interrupted: Int64 = 0
            for try await id in try await client.query("SELECT max(id) FROM reconcile_runs").decode(Int64.self) {
                interrupted = id
            }
            #expect(try await Self.run(client, interrupted).result == ReconcileRunResult.running.rawValue)

            await flaky.state.set(down: false)
            let next = await loop.reconcileNow(trigger: "api")
            #expect(next?.result == .applied)
            let row = try await Self.run(client, interrupted)
            #expect(row.result == ReconcileRunResult.failed.rawValue)
            #expect(row.errors.contains("database unreachable"))
        }
    }
}

/// A `StateDatabase` that can "lose" PostgreSQL: while down every call throws `DatabaseUnavailableError`.
struct FlakyStateDatabase: StateDatabase {
    actor Switch {
        var down = false
        var goDownAfterStart = false
        func set(down: Bool) { self.down = down }
        func set(goDownAfterStart: Bool) { self.goDownAfterStart = goDownAfterStart }
        func check() throws { if down { throw DatabaseUnavailableError(cause: "the server closed the connection") } }
        func started() {
            if goDownAfterStart {
                down = true
                goDownAfterStart = false
            }
        }
    }

    let base: PostgresStateDatabase
    let state = Switch()

    init(_ base: PostgresStateDatabase) { self.base = base }

    func readActualState() async throws -> ActualState {
        try await state.check()
        return try await base.readActualState()
    }

    func apply(_ changes: [Change], commitSHA: String) async throws {
        try await state.check()
        try await base.apply(changes, commitSHA: commitSHA)
    }

    func withReconcileLock<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
        try await state.check()
        return try await base.withReconcileLock(body)
    }

    func startRun(trigger: String, commitSHA: String?) async throws -> Int64 {
        try await state.check()
        let id = try await base.startRun(trigger: trigger, commitSHA: commitSHA)
        await state.started()
        return id
    }

    func finishRun(
        id: Int64, commitSHA: String?, plan: Plan?, result: ReconcileRunResult, errors: [String], durationMS: Int
    ) async throws {
        try await state.check()
        try await base.finishRun(
            id: id, commitSHA: commitSHA, plan: plan, result: result, errors: errors, durationMS: durationMS)
    }

    func recordSkipped(trigger: String, commitSHA: String?, reason: String) async throws -> Int64 {
        try await state.check()
        return try await base.recordSkipped(trigger: trigger, commitSHA: commitSHA, reason: reason)
    }

    func failInterruptedRuns(cause: String) async throws -> [Int64] {
        try await state.check()
        return try await base.failInterruptedRuns(cause: cause)
    }

    func failRun(id: Int64, errors: [String]) async throws -> Bool {
        try await state.check()
        return try await base.failRun(id: id, errors: errors)
    }
}
