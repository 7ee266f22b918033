import Artifacts
import Foundation
import Logging
import Spec
import Statuses
import Store

/// Plans and applies desired state against a `StateDatabase` and an `ArtifactStore`.
///
///     let engine = ReconcileEngine(database: PostgresStateDatabase(client: client), store: store)
///     let result = try await engine.reconcile(desired: state, commitSHA: sha, trigger: "cli")
///
/// Apply order: store creates/updates first (idempotent, 8 in flight), then every database
/// change in one transaction, then store deletions after the commit. A failure before the
/// commit leaves no database row written; the run is recorded as failed with the cause and
/// the next apply converges.
package struct ReconcileEngine: Sendable {
    package let database: any StateDatabase
    /// nil: the store side is left out of plans.
    package let store: (any ArtifactStore)?
    package let logger: Logger
    /// Store writes in flight at once.
    package var maxConcurrentStoreWrites = 8
    /// Where syncs from upstream are recorded; nil: `reconcile` syncs nothing (`RepositorySyncRunner`).
    package var syncRecords: RepositorySyncStore?
    /// Syncs from upstream in flight at once.
    package var maxConcurrentSyncs = 4
    /// Where releases are journaled and recorded; nil: releases are planned as rows only (no
    /// placement, nothing committed). Needs `store`.
    package var releases: ReleaseCommitStore?
    /// Called at the named points of a release commit (`ReleaseCommitter.checkpoint`).
    package var releaseCheckpoint: @Sendable (String) async -> Void = { _ in }
    /// Called after every run that applied (or tried to apply) a plan with changes: the server
    /// reloads what it caches from the rows (team roles, `Server.AccessDirectory`).
    package var afterApply: @Sendable () async -> Void = {}

    package init(
        database: any StateDatabase, store: (any ArtifactStore)?,
        logger: Logger = Logger(label: "kiln.reconciler")
    ) {
        self.database = database
        self.store = store
        self.logger = logger
    }

    /// The actual state: database rows plus (when a store is configured) Kiln's store repositories,
    /// read in bulk, and how much content each of the `pruneCandidates` holds (the desired-state
    /// store repositories a plan would delete; one request each).
    package func readActualState(
        pruneCandidates: @Sendable ([StoreRepositorySpec]) -> Set<String> = { _ in [] }
    ) async throws -> ActualState {
        var actual = try await database.readActualState()
        if let store {
            let specs = try await store.listManagedRepositories().map(StoreNaming.actualSpec)
            actual.storeRepositories = specs
            let names = pruneCandidates(specs).intersection(specs.filter(\.isDesiredState).map(\.name)).sorted()
            let counts = try await boundedMap(names, maxConcurrent: maxConcurrentStoreWrites) {
                try await store.contentCount(of: $0)
            }
            actual.storeContentCounts = Dictionary(zip(names, counts), uniquingKeysWith: { a, _ in a })
        }
        return actual
    }

    /// The actual state a plan for `desired` needs: content counted for the store repositories
    /// `desired` no longer declares.
    package func readActualState(for desired: DesiredState) async throws -> ActualState {
        let wanted = Set(Planner.desiredStoreRepositories(desired).keys)
        return try await readActualState { specs in Set(specs.map(\.name)).subtracting(wanted) }
    }

    /// A plan, with no side effects; with the syncs from upstream that are due (`# sync due`)
    /// and the releases' placements. `author` is the commit's author, recorded on releases it commits.
    package func plan(desired: DesiredState, commitSHA: String, author: String? = nil) async throws -> Plan {
        var plan = Planner.plan(desired: desired, actual: try await readActualState(for: desired), commitSHA: commitSHA)
        plan.syncsDue = await syncsDue(desired: desired, plan: plan)
        try await placeReleases(desired: desired, in: &plan)
        plan.commitAuthor = author
        return plan
    }

    /// Plans and applies in one go under the reconcile lock (auto-approve).
    package func reconcile(
        desired: DesiredState, commitSHA: String, trigger: String, author: String? = nil
    ) async throws -> ReconcileResult {
        try await locked(trigger: trigger, commitSHA: commitSHA) { runID, clock in
            let plan: Plan
            do {
                var planned = Planner.plan(
                    desired: desired, actual: try await readActualState(for: desired), commitSHA: commitSHA)
                planned.syncsDue = await syncsDue(desired: desired, plan: planned)
                try await placeReleases(desired: desired, in: &planned)
                planned.commitAuthor = author
                plan = planned
            } catch {
                return try await finish(runID, commitSHA, nil, .failed, ["reading actual state: \(error)"], clock)
            }
            var result = try await execute(plan, runID: runID, clock: clock)
            await savePlacements(plan)
            if result.succeeded, let store, let syncRecords {
                result.syncs = await RepositorySyncRunner.run(
                    plan.syncsDue, store: store, records: syncRecords, commitSHA: plan.commitSHA,
                    maxConcurrent: maxConcurrentSyncs, logger: logger)
            }
            return result
        }
    }

    /// The syncs due for `desired` after `plan`: a remote new or changed by it, or never synced,
    /// or past its interval. `reconcile` runs them after a successful apply (a failing upstream is
    /// recorded, never fails the apply). Empty without a store or a sync record.
    private func syncsDue(desired: DesiredState, plan: Plan) async -> [SyncDue] {
        guard let store, store.syncsFromUpstream, let syncRecords else { return [] }
        let names = Planner.desiredStoreRepositories(desired).values.filter { $0.remoteURL != nil }.map(\.name)
        let last: [String: RepositorySyncRecord]
        do {
            last = try await syncRecords.latestCompleted(of: names)
        } catch {
            logger.error("syncs: reading the last syncs failed: \(error)")
            return []
        }
        return RepositorySyncRunner.due(desired: desired, changes: plan.changes, lastCompleted: last, now: Date())
    }

    /// Applies a saved plan exactly, after checking under the lock that the state it was
    /// computed from has not moved (else `.failed` with `ApplyError.stalePlan`, nothing changed).
    package func apply(savedPlan plan: Plan, trigger: String) async throws -> ReconcileResult {
        try await locked(trigger: trigger, commitSHA: plan.commitSHA) { runID, clock in
            let current: String
            do {
                // the same content counts the plan read: its store repositories without a desired record
                let planned = Set(plan.changes.filter { $0.kind == .storeRepository && $0.desired == nil }.map(\.name))
                current = try await readActualState { _ in planned }.fingerprint
            } catch {
                return try await finish(runID, plan.commitSHA, plan, .failed, ["reading actual state: \(error)"], clock)
            }
            guard current == plan.fingerprint else {
                let stale = ApplyError.stalePlan(planned: plan.fingerprint, current: current)
                return try await finish(runID, plan.commitSHA, plan, .failed, [stale.description], clock)
            }
            // the releases' placements as they are now must be the reviewed ones
            if let sources = plan.releaseSources, let planning = releasePlanning {
                let now: [ReleasePlacement]
                let nowDistributions: [DistributionChange]
                do {
                    now = try await planning.placements(sources)
                    nowDistributions = try await planning.distributionChanges(sources)
                } catch {
                    return try await finish(
                        runID, plan.commitSHA, plan, .failed, ["reading the releases' placements: \(error)"], clock)
                }
                if now != plan.releases || nowDistributions != plan.distributions {
                    let moved =
                        Set(now).symmetricDifference(plan.releases).map(\.release)
                        + Set(nowDistributions).symmetricDifference(plan.distributions).map {
                            "distribution \($0.distribution) (build \($0.buildID))"
                        }
                    let stale = ApplyError.staleReleases(Array(Set(moved)).sorted())
                    return try await finish(runID, plan.commitSHA, plan, .failed, [stale.description], clock)
                }
            }
            let result = try await execute(plan, runID: runID, clock: clock)
            await savePlacements(plan)
            return result
        }
    }

    /// Records a run that failed before planning (fetch error, invalid desired state).
    @discardableResult
    package func recordFailure(trigger: String, commitSHA: String?, errors: [String]) async throws -> ReconcileResult {
        let runID = try await database.startRun(trigger: trigger, commitSHA: commitSHA)
        try await database.finishRun(
            id: runID, commitSHA: commitSHA, plan: nil, result: .failed, errors: errors,
            durationMS: 0)
        return ReconcileResult(runID: runID, result: .failed, plan: nil, errors: errors, durationMS: 0)
    }

    /// The error recorded on a run whose process stopped (or lost the database) before it finished.
    package static let interruptedCause =
        "interrupted: the Kiln process running this reconcile stopped or lost its database connection before it finished"

    /// Marks runs left `running` by a dead process as failed (`interruptedCause`), if no other
    /// process is reconciling now (holds the lock); returns their ids, nil when the lock was busy
    /// (the process holding it sweeps them when its next run starts). `kiln serve` calls it at startup.
    package func failInterruptedRuns() async throws -> [Int64]? {
        try await database.withReconcileLock { try await database.failInterruptedRuns(cause: Self.interruptedCause) }
    }

    /// Marks run `runID` failed with `errors` if it is still `running` (its end could not be written).
    @discardableResult
    package func failRun(_ runID: Int64, errors: [String]) async throws -> Bool {
        try await database.failRun(id: runID, errors: errors)
    }

    // MARK: - Internals

    private func locked(
        trigger: String, commitSHA: String,
        _ body: (Int64, ContinuousClock.Instant) async throws -> ReconcileResult
    ) async throws -> ReconcileResult {
        let outcome = try await database.withReconcileLock { () -> ReconcileResult in
            let clock = ContinuousClock.now
            // holding the lock: any run still `running` lost its process or connection
            _ = try await database.failInterruptedRuns(cause: Self.interruptedCause)
            let runID = try await database.startRun(trigger: trigger, commitSHA: commitSHA)
            do {
                return try await body(runID, clock)
            } catch {
                throw ReconcileInterrupted(runID: runID, underlying: error)
            }
        }
        if let outcome { return outcome }
        let reason = "skipped: another reconcile is running"
        logger.info("\(reason)")
        let id = try await database.recordSkipped(trigger: trigger, commitSHA: commitSHA, reason: reason)
        return ReconcileResult(runID: id, result: .skipped, plan: nil, errors: [reason], durationMS: 0)
    }

    private func finish(
        _ runID: Int64, _ sha: String, _ plan: Plan?, _ result: ReconcileRunResult, _ errors: [String],
        _ start: ContinuousClock.Instant, artifactStoreUnavailable: Bool = false
    ) async throws -> ReconcileResult {
        let elapsed = ContinuousClock.now - start
        let ms = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        try await database.finishRun(
            id: runID, commitSHA: sha, plan: plan, result: result, errors: errors, durationMS: ms)
        if result == .failed { logger.error("reconcile run \(runID) failed: \(errors.joined(separator: "; "))") }
        if plan?.hasChanges == true { await afterApply() }
        return ReconcileResult(
            runID: runID, result: result, plan: plan, errors: errors, durationMS: ms,
            artifactStoreUnavailable: artifactStoreUnavailable)
    }

    private func execute(_ plan: Plan, runID: Int64, clock: ContinuousClock.Instant) async throws -> ReconcileResult {
        guard plan.hasChanges else {
            return try await finish(runID, plan.commitSHA, plan, .noChanges, [], clock)
        }
        // 0. a release to commit with refusals: nothing is applied (the refusals are the review)
        let refused = plan.refusedReleases
        let refusedBuilds = plan.refusedDistributionBuilds
        if !refused.isEmpty || !refusedBuilds.isEmpty {
            func list(_ refusals: [ReleaseRefusal]) -> String {
                "\(refusals.count) refusal(s): " + refusals.prefix(5).map(\.line).joined(separator: "; ")
                    + (refusals.count > 5 ? "; ..." : "")
            }
            let errors =
                refused.map { "release \"\($0.release)\" cannot be committed: " + list($0.refusals) }
                + refusedBuilds.map {
                    "build \($0.buildID) cannot be added to distribution \"\($0.distribution)\": " + list($0.refusals)
                }
            return try await finish(
                runID, plan.commitSHA, plan, .failed, errors + ["nothing was applied"], clock)
        }
        if plan.releases.contains(where: { $0.operation.changes }) || !plan.distributions.isEmpty,
            store == nil || releases == nil
        {
            return try await finish(
                runID, plan.commitSHA, plan, .failed, [ApplyError.noArtifactStore.description], clock)
        }
        let storeWrites: [StoreRepositorySpec] = plan.changes.compactMap {
            guard $0.action == .create || $0.action == .update, case .storeRepository(let spec)? = $0.desired else {
                return nil
            }
            return spec
        }
        let storeDeletes = plan.changes.filter { $0.kind == .storeRepository && $0.action == .delete }
        if (!storeWrites.isEmpty || !storeDeletes.isEmpty) && store == nil {
            return try await finish(
                runID, plan.commitSHA, plan, .failed, [ApplyError.noArtifactStore.description], clock)
        }
        // 1. store creates and updates (idempotent): a failure here writes no database row
        if let store, !storeWrites.isEmpty {
            var errors: [StoreFailure] = []
            do {
                // the store's bulk path: one listing, then only the writes that differ, 8 in flight
                _ = try await store.ensureRepositories(storeWrites, maxConcurrent: maxConcurrentStoreWrites)
            } catch {
                // retry one by one (idempotent) to converge what can be and name each failure
                errors = try await boundedMap(storeWrites, maxConcurrent: maxConcurrentStoreWrites) {
                    spec -> StoreFailure? in
                    do {
                        _ = try await store.ensureRepository(spec)
                        return nil
                    } catch { return StoreFailure("store_repository \"\(spec.name)\": \(error)", error) }
                }.compactMap { $0 }
                if errors.isEmpty { logger.warning("store: bulk ensure failed (\(error)); one-by-one retry succeeded") }
            }
            if !errors.isEmpty {
                return try await finish(
                    runID, plan.commitSHA, plan, .failed,
                    errors.map(\.message) + ["no database change was made"], clock,
                    artifactStoreUnavailable: errors.contains { $0.unavailable })
            }
        }
        // 2. every database change in one transaction
        do {
            try await database.apply(plan.changes, commitSHA: plan.commitSHA)
        } catch {
            return try await finish(
                runID, plan.commitSHA, plan, .failed,
                [ApplyError.database(String(reflecting: error)).description], clock)
        }
        // 3. store deletions, after the commit
        if let store, !storeDeletes.isEmpty {
            let errors = try await boundedMap(storeDeletes.map(\.name), maxConcurrent: maxConcurrentStoreWrites) {
                name -> StoreFailure? in
                do {
                    try await store.deleteRepository(named: name)
                    return nil
                } catch { return StoreFailure("store_repository \"\(name)\": delete: \(error)", error) }
            }.compactMap { $0 }
            if !errors.isEmpty {
                return try await finish(
                    runID, plan.commitSHA, plan, .failed,
                    errors.map(\.message) + ["database changes were committed; the next apply retries the deletions"],
                    clock, artifactStoreUnavailable: errors.contains { $0.unavailable })
            }
        }
        // 4. releases: commit or revert in the store, journaled (a stopped run is resumed next time)
        if let committer = releaseCommitter {
            var errors: [StoreFailure] = []
            for placement in plan.releases where placement.operation.changes {
                do {
                    let outcome = try await committer.run(
                        placement, commitSHA: plan.commitSHA, author: plan.commitAuthor)
                    logger.info(
                        "release \(outcome.release): \(outcome.operation.rawValue) done, \(outcome.units) unit(s) in \(outcome.repositoriesChanged.count) repositories"
                    )
                } catch {
                    let failure = StoreFailure(
                        "release \"\(placement.release)\": \(placement.operation.rawValue): \(error)", error)
                    try? await releases?.recordError(release: placement.release, error: failure.message)
                    errors.append(failure)
                }
            }
            for change in plan.distributions {
                do {
                    _ = try await committer.run(change)
                } catch {
                    errors.append(
                        StoreFailure(
                            "distribution \"\(change.distribution)\" build \(change.buildID): "
                                + "\(change.operation.rawValue): \(error)", error))
                }
            }
            if !errors.isEmpty {
                return try await finish(
                    runID, plan.commitSHA, plan, .failed,
                    errors.map(\.message) + ["the next apply resumes from the journal"], clock,
                    artifactStoreUnavailable: errors.contains { $0.unavailable })
            }
        }
        return try await finish(runID, plan.commitSHA, plan, .applied, [], clock)
    }

    // MARK: - Releases

    var releasePlanning: ReleasePlanning? {
        guard let store, let releases else { return nil }
        var planning = ReleasePlanning(store: store, records: releases)
        planning.maxConcurrentReads = maxConcurrentStoreWrites
        return planning
    }

    var releaseCommitter: ReleaseCommitter? {
        guard let store, let releases else { return nil }
        var committer = ReleaseCommitter(store: store, records: releases, logger: logger)
        committer.checkpoint = releaseCheckpoint
        return committer
    }

    /// Fills `plan.releases` and `plan.releaseSources` (nothing without a release store).
    private func placeReleases(desired: DesiredState, in plan: inout Plan) async throws {
        guard let planning = releasePlanning else { return }
        let sources = ReleasePlanning.sources(of: desired)
        plan.releases = try await planning.placements(sources)
        plan.distributions = try await planning.distributionChanges(sources)
        plan.releaseSources = plan.releases.isEmpty && plan.distributions.isEmpty ? nil : sources
    }

    /// Stores each planned release's placement for the API (best effort).
    private func savePlacements(_ plan: Plan) async {
        guard let releases else { return }
        for placement in plan.releases where placement.operation == .none {
            do {
                try await releases.savePlacement(release: placement.release, placementJSON: try placement.jsonText())
            } catch {
                logger.warning("release \(placement.release): storing its placement failed: \(error)")
            }
        }
    }
}

/// One artifact-store write that failed during an apply: its message, and whether the store was
/// unreachable (then the loop retries the apply with back-off).
private struct StoreFailure: Sendable {
    var message: String
    var unavailable: Bool

    init(_ message: String, _ error: any Error) {
        self.message = message
        self.unavailable = ArtifactStoreUnavailable.isUnavailable(error)
    }
}
