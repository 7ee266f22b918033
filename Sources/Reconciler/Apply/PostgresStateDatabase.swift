import Logging
import PostgresNIO
import Spec
import Statuses
import Store

/// `StateDatabase` on Kiln's PostgreSQL schema (through `Store.DesiredStateStore` and
/// `Store.ReconcileRunStore`).
///
///     let db = PostgresStateDatabase(client: client)
///     let actual = try await db.readActualState()
package struct PostgresStateDatabase: StateDatabase {
    /// The pool to use, asked on every call (`kiln serve` replaces its pool after an outage).
    let currentClient: @Sendable () -> PostgresClient
    let logger: Logger

    package var rows: DesiredStateStore { DesiredStateStore(client: currentClient(), logger: logger) }
    package var runs: ReconcileRunStore { ReconcileRunStore(client: currentClient(), logger: logger) }

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.reconciler.db")) {
        self.init(currentClient: { client }, logger: logger)
    }

    /// A database whose pool may change between calls (`currentClient` is asked every time).
    package init(
        currentClient: @escaping @Sendable () -> PostgresClient, logger: Logger = Logger(label: "kiln.reconciler.db")
    ) {
        self.currentClient = currentClient
        self.logger = logger
    }

    package func readActualState() async throws -> ActualState {
        Self.actualState(from: try await rows.read())
    }

    /// Wraps the Store's records in `Actual` with what uses them.
    package static func actualState(from r: DesiredStateRows) -> ActualState {
        var s = ActualState()
        s.repositories = r.repositories.map { Actual($0.record, origin: $0.origin) }
        s.platforms = r.platforms.map { p in
            var usedBy: [String] = []
            if p.buildTaskCount > 0 { usedBy.append("used by \(p.buildTaskCount) build task(s)") }
            if p.apiReleaseCount > 0 { usedBy.append("used by \(p.apiReleaseCount) release(s) made through the API") }
            var platform = p.platform
            platform.repos.sort { $0.key < $1.key }
            return Actual(platform, origin: p.origin, usedBy: usedBy)
        }
        s.distributions = r.distributions.map { Actual($0.record, origin: $0.origin) }
        s.signKeys = r.signKeys.map {
            Actual(
                $0.signKey, origin: $0.origin,
                usedBy: $0.signTaskCount > 0 ? ["used by \($0.signTaskCount) sign task(s)"] : [])
        }
        s.releases = r.releases.map { Actual($0.release, origin: $0.origin, status: $0.status) }
        s.flavors = r.flavors.map { f in
            var flavor = f.flavor
            flavor.repos.sort { $0.key < $1.key }
            return Actual(
                flavor, origin: f.origin, usedBy: f.buildCount > 0 ? ["named by \(f.buildCount) build(s)"] : [])
        }
        s.teams = r.teams.map { Actual($0.record, origin: $0.origin) }
        for b in r.buildRepositories { s.storeInUse[b.name] = "belongs to build \(b.buildID)" }
        return s
    }

    package func apply(_ changes: [Change], commitSHA: String) async throws {
        var writes = changes.compactMap(Self.write(for:))
        if writes.isEmpty { return }
        // A sign key renamed in git keeps its keyid (UNIQUE): the old row goes before the new one.
        // Deleting a sign key first is safe: one still used by sign tasks is kept, not deleted.
        let keyDeletes = writes.filter { if case .deleteSignKey = $0 { true } else { false } }
        writes.removeAll { if case .deleteSignKey = $0 { true } else { false } }
        writes = keyDeletes + writes
        try await rows.apply(writes, commitSHA: commitSHA)
    }

    /// The database write of one change: its desired record for a create or update, its
    /// actual record's identity for a delete; nil for store changes and kept objects.
    package static func write(for c: Change) -> DesiredStateWrite? {
        switch c.action {
        case .create, .update:
            switch c.desired {
            case .signKey(let k)?: return .upsertSignKey(k)
            case .repository(let r)?: return .upsertRepository(r)
            case .platform(let p)?: return .upsertPlatform(p)
            case .flavor(let f)?: return .upsertFlavor(f)
            case .distribution(let d)?: return .upsertDistribution(d)
            case .release(let r)?: return .upsertRelease(r)
            case .team(let t)?: return .upsertTeam(t)
            case .storeRepository?, nil: return nil
            }
        case .delete:
            switch c.actual {
            case .signKey(let k)?: return .deleteSignKey(name: k.name)
            case .repository(let r)?: return .deleteRepository(r.key)
            case .platform(let p)?: return .deletePlatform(name: p.name)
            case .flavor(let f)?: return .deleteFlavor(name: f.name)
            case .distribution(let d)?: return .deleteDistribution(name: d.name)
            case .release(let r)?: return .deleteRelease(name: r.name)
            case .team(let t)?: return .deleteTeam(name: t.name)
            case .storeRepository?, nil: return nil
            }
        case .keep:
            return nil
        }
    }

    package func withReconcileLock<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
        try await runs.withReconcileLock(body)
    }

    package func startRun(trigger: String, commitSHA: String?) async throws -> Int64 {
        try await runs.start(trigger: trigger, commitSHA: commitSHA)
    }

    package func finishRun(
        id: Int64, commitSHA: String?, plan: Plan?, result: ReconcileRunResult, errors: [String],
        durationMS: Int
    ) async throws {
        let json = try plan.map { String(decoding: try $0.jsonData(pretty: false), as: UTF8.self) }
        try await runs.finish(
            id: id, commitSHA: commitSHA, planJSON: json, result: result, errors: errors,
            durationMS: durationMS)
    }

    package func recordSkipped(trigger: String, commitSHA: String?, reason: String) async throws -> Int64 {
        try await runs.recordSkipped(trigger: trigger, commitSHA: commitSHA, reason: reason)
    }

    package func failInterruptedRuns(cause: String) async throws -> [Int64] {
        try await runs.failInterruptedRuns(cause: cause)
    }

    package func failRun(id: Int64, errors: [String]) async throws -> Bool {
        try await runs.failRun(id: id, errors: errors)
    }
}
