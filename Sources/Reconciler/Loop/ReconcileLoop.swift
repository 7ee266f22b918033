import Artifacts
import Foundation
import GitSource
import Logging
import ServiceLifecycle
import Spec
import Statuses
import Store

/// Reconciles on an interval and on demand (webhook, API): fetches the configured git
/// remote, re-reads only the files that changed since the last commit, plans and applies.
/// A `Service` for a `ServiceGroup`; stops on graceful shutdown.
///
///     let loop = ReconcileLoop(engine: engine, source: .remote(mirror, branch: "main"), interval: .seconds(60))
///     loop.trigger(reason: "webhook")               // from a route; returns at once
///     await loop.waitForFirstRun()                  // tests: the run `run()` starts with is done
///
/// Runs never overlap: `reconcileNow` (API) and the service's runs take turns, first come first
/// served. A trigger is satisfied by any run that starts after it was issued, so triggers that
/// arrive while a run is going (a webhook, the timer) coalesce into one run afterwards, and the
/// first of them names it: an explicit trigger is never replaced by a later timer tick.
package actor ReconcileLoop: Service {
    /// Where the desired state comes from.
    package enum Source: Sendable {
        /// A remote (URL or path) mirrored into a local bare cache; one branch.
        case remote(GitRemoteMirror, branch: String)
        /// A local repository read at a ref.
        case local(GitRepository, ref: String)
    }

    /// A request for a run: why, and when it was made.
    private struct Trigger: Sendable {
        var reason: String
        var issued: ContinuousClock.Instant
    }

    package nonisolated let engine: ReconcileEngine
    package nonisolated let source: Source
    package nonisolated let subdirectory: String?
    package nonisolated let interval: Duration
    /// Size limits and URL schemes the desired state is read with.
    package nonisolated let rules: SpecRules
    nonisolated let logger: Logger
    private var reader: DesiredStateReader?
    private let triggers: AsyncStream<Trigger>
    private let continuation: AsyncStream<Trigger>.Continuation
    /// The last run's result (nil before the first run).
    package private(set) var lastResult: ReconcileResult?
    /// The last error that kept a run from starting (fetch, invalid desired state).
    package private(set) var lastError: String?
    /// The database's unreachability when the last run failed for it (nil otherwise): callers
    /// answer that as an outage (503), not as a bad desired state.
    package private(set) var lastOutage: String?
    /// When the latest run started: triggers issued before it are already served.
    private var lastRunStart: ContinuousClock.Instant?
    /// Whether a run holds the turn; other runs queue behind it in `waitingRuns`.
    private var isRunning = false
    private var waitingRuns: [CheckedContinuation<Void, Never>] = []
    /// Whether the service's first run has finished; `waitForFirstRun` callers wait in `firstRunWaiters`.
    private var firstRunDone = false
    private var firstRunWaiters: [CheckedContinuation<Void, Never>] = []
    /// Failures that could not be written because the database was unreachable: recorded at the
    /// start of the next run that reaches it.
    private var pendingFailures: [PendingFailure] = []
    /// Runs in a row that failed because the database or the artifact store was unreachable (sets the retry back-off).
    private var outageRetries = 0
    /// Asks the service for a retry after a delay (the database was unreachable).
    private let retries: AsyncStream<Duration>
    private let retryContinuation: AsyncStream<Duration>.Continuation
    /// The first retry after an outage; doubled on each failure, at most `interval`.
    package nonisolated let retryDelay: Duration

    /// A failure to record once the database is back.
    private enum PendingFailure: Sendable {
        /// A run whose row is `running` and whose end was never written.
        case run(id: Int64, errors: [String])
        /// A run that could not even start.
        case unstarted(trigger: String, errors: [String])
    }

    package init(
        engine: ReconcileEngine, source: Source, subdirectory: String? = nil, interval: Duration,
        rules: SpecRules = .default, retryDelay: Duration = .seconds(2),
        logger: Logger = Logger(label: "kiln.reconcile-loop")
    ) {
        self.rules = rules
        self.engine = engine
        self.source = source
        self.subdirectory = subdirectory
        self.interval = interval
        self.retryDelay = retryDelay
        self.logger = logger
        (retries, retryContinuation) = AsyncStream.makeStream(of: Duration.self)
        // unbounded, never dropping a trigger: served ones are skipped cheaply (see `run`)
        (triggers, continuation) = AsyncStream.makeStream(of: Trigger.self)
    }

    /// Asks for a reconcile soon (webhook, API); returns at once. Triggers coalesce while a run is going.
    package nonisolated func trigger(reason: String) {
        continuation.yield(Trigger(reason: reason, issued: .now))
    }

    /// Returns once the service's first run (the one `run()` starts with) has finished, or at
    /// once if it has; also returns when the service stops before that run.
    package func waitForFirstRun() async {
        if firstRunDone { return }
        await withCheckedContinuation { firstRunWaiters.append($0) }
    }

    /// Fetches, reads and reconciles now, waiting for the result (nil when the desired state
    /// could not be read; see `lastError`). Waits for a run that is going to finish first.
    @discardableResult
    package func reconcileNow(trigger: String) async -> ReconcileResult? {
        await waitForTurn()
        return await runHoldingTurn(trigger: trigger)
    }

    /// Serves a trigger of the service: runs, unless a run started after the trigger was issued.
    private func serve(_ trigger: Trigger) async {
        await waitForTurn()
        if let started = lastRunStart, trigger.issued < started {
            endTurn()  // that run served it
            return
        }
        await runHoldingTurn(trigger: trigger.reason)
    }

    /// One run; the caller holds the turn, which this gives up at the end.
    @discardableResult
    private func runHoldingTurn(trigger: String) async -> ReconcileResult? {
        lastRunStart = .now
        defer { endTurn() }
        await recordPendingFailures()
        do {
            let snapshot = try await readDesiredState()
            let result = try await engine.reconcile(
                desired: snapshot.result.state, commitSHA: snapshot.commitSHA,
                trigger: trigger, author: snapshot.author)
            lastResult = result
            lastError = nil
            lastOutage = nil
            if result.artifactStoreUnavailable {
                scheduleRetry(because: "the artifact store is unreachable")
            } else {
                outageRetries = 0
            }
            logger.info(
                "reconcile \(result.result.rawValue) at \(snapshot.commitSHA.prefix(12)) (\(trigger), \(result.durationMS) ms, read \(snapshot.readPaths.count) file(s))"
            )
            return result
        } catch {
            lastError = "\(error)"
            lastOutage = DatabaseUnavailable.cause(of: (error as? ReconcileInterrupted)?.underlying ?? error)
            logger.error("reconcile (\(trigger)) failed: \(error)")
            if await handleOutage(error, trigger: trigger) { return nil }
            if ArtifactStoreUnavailable.isUnavailable(error) {
                scheduleRetry(because: "the artifact store is unreachable")
            }
            if let invalid = error as? InvalidDesiredState {
                _ = try? await engine.recordFailure(
                    trigger: trigger, commitSHA: invalid.commitSHA,
                    errors: invalid.diagnostics.map(\.description))
            } else {
                _ = try? await engine.recordFailure(
                    trigger: trigger, commitSHA: nil,
                    errors: ["reading the desired state: \(error)"])
            }
            return nil
        }
    }

    /// Handles a run that failed because the database went away (or another error after its row
    /// was written): remembers the failure to record once the database is back and asks for a
    /// retry with back-off. Returns false for other errors.
    private func handleOutage(_ error: any Error, trigger: String) async -> Bool {
        let underlying = (error as? ReconcileInterrupted)?.underlying ?? error
        let cause = DatabaseUnavailable.cause(of: underlying)
        if let interrupted = error as? ReconcileInterrupted {
            let message =
                cause.map { "database unreachable: \($0); the run could not finish" }
                ?? (underlying is CancellationError
                    ? "cancelled before it finished (the server was shutting down)" : "\(underlying)")
            pendingFailures.append(.run(id: interrupted.runID, errors: [message]))
        } else if let cause {
            pendingFailures.removeAll { if case .unstarted = $0 { true } else { false } }  // keep the latest
            pendingFailures.append(
                .unstarted(trigger: trigger, errors: ["database unreachable: \(cause); the run could not start"]))
        } else {
            return false
        }
        guard cause != nil else {
            await recordPendingFailures()  // the database may well be there
            outageRetries = 0
            return true
        }
        scheduleRetry(because: "the database is unreachable")
        return true
    }

    /// Asks for another run after a back-off: `retryDelay`, doubled for each failure in a row, at
    /// most `interval` (a run failed because the database or the artifact store was away).
    private func scheduleRetry(because reason: String) {
        outageRetries += 1
        let exponent = min(outageRetries - 1, 16)
        let delay = min(retryDelay * (1 << exponent), max(interval, retryDelay))
        logger.warning("reconcile: \(reason); retrying in \(delay)")
        retryContinuation.yield(delay)
    }

    /// Writes the failures remembered during an outage; keeps them while the database is still away.
    private func recordPendingFailures() async {
        var left: [PendingFailure] = []
        for failure in pendingFailures {
            do {
                switch failure {
                case .run(let id, let errors):
                    try await engine.failRun(id, errors: errors)
                case .unstarted(let trigger, let errors):
                    try await engine.recordFailure(trigger: trigger, commitSHA: nil, errors: errors)
                }
            } catch {
                left.append(failure)
            }
        }
        if left.isEmpty && !pendingFailures.isEmpty { outageRetries = 0 }
        pendingFailures = left
    }

    /// Waits until no run is going (first come first served), then holds the turn.
    private func waitForTurn() async {
        if isRunning {
            await withCheckedContinuation { waitingRuns.append($0) }  // `endTurn` hands the turn over
        }
        isRunning = true
    }

    /// Hands the turn to the next waiting caller, or frees it.
    private func endTurn() {
        if waitingRuns.isEmpty {
            isRunning = false
        } else {
            waitingRuns.removeFirst().resume()
        }
    }

    private func finishFirstRun() {
        firstRunDone = true
        let waiters = firstRunWaiters
        firstRunWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    func readDesiredState() async throws -> DesiredStateSnapshot {
        switch source {
        case .remote(let mirror, let branch):
            let sha = try await mirror.fetch(branch: branch)
            let reader =
                try self.reader
                ?? DesiredStateReader(repository: mirror.repository(), subdirectory: subdirectory, rules: rules)
            self.reader = reader
            return try await reader.readValid(ref: sha)
        case .local(let repository, let ref):
            let reader =
                self.reader ?? DesiredStateReader(repository: repository, subdirectory: subdirectory, rules: rules)
            self.reader = reader
            return try await reader.readValid(ref: ref)
        }
    }

    /// Runs until cancelled or a graceful shutdown: once at start, then on every interval and
    /// trigger. A trigger issued before the latest run started is skipped: that run served it.
    package func run() async throws {
        let continuation = self.continuation
        let retryContinuation = self.retryContinuation
        let interval = self.interval
        defer { finishFirstRun() }
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: interval)
                        continuation.yield(Trigger(reason: "timer", issued: .now))
                    }
                }
                let retries = self.retries
                group.addTask {
                    // retries after a database outage, each after its back-off
                    for await delay in retries {
                        try await Task.sleep(for: delay)
                        continuation.yield(Trigger(reason: "retry", issued: .now))
                    }
                }
                await self.reconcileNow(trigger: "timer")
                self.finishFirstRun()
                for await trigger in self.triggers {
                    if Task.isCancelled { break }
                    await self.serve(trigger)
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
            retryContinuation.finish()
        }
    }
}
