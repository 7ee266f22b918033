import Foundation
import GitSource
import Logging
import ServiceLifecycle

/// Reconciles on an interval and on demand (webhook, API): fetches the configured git
/// remote, re-reads only the files that changed since the last commit, plans and applies.
/// A `Service` for a `ServiceGroup`; stops on graceful shutdown.
///
///     let loop = ReconcileLoop(engine: engine, source: .remote(mirror, branch: "main"), interval: .seconds(60))
///     await loop.trigger(reason: "webhook")        // from a route
public actor ReconcileLoop: Service {
    /// Where the desired state comes from.
    public enum Source: Sendable {
        /// A remote (URL or path) mirrored into a local bare cache; one branch.
        case remote(GitRemoteMirror, branch: String)
        /// A local repository read at a ref.
        case local(GitRepository, ref: String)
    }

    public nonisolated let engine: ReconcileEngine
    public nonisolated let source: Source
    public nonisolated let subdirectory: String?
    public nonisolated let interval: Duration
    nonisolated let logger: Logger
    private var reader: DesiredStateReader?
    private let triggers: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    /// The last run's result (nil before the first run).
    public private(set) var lastResult: ReconcileResult?
    /// The last error that kept a run from starting (fetch, invalid desired state).
    public private(set) var lastError: String?

    public init(engine: ReconcileEngine, source: Source, subdirectory: String? = nil, interval: Duration,
                logger: Logger = Logger(label: "kiln.reconcile-loop")) {
        self.engine = engine
        self.source = source
        self.subdirectory = subdirectory
        self.interval = interval
        self.logger = logger
        // at most one run waits behind the current one: triggers that arrive meanwhile coalesce
        (triggers, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// `KILN_RECONCILE_INTERVAL`: seconds (`60`), or with a unit (`30s`, `5m`, `1h`); default 60 s.
    public static func interval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration {
        guard let raw = environment["KILN_RECONCILE_INTERVAL"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty
        else { return .seconds(60) }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where raw.hasSuffix(suffix) {
            if let n = Double(raw.dropLast(suffix.count)), n > 0 { return .milliseconds(Int(n * factor * 1000)) }
        }
        if let n = Double(raw), n > 0 { return .milliseconds(Int(n * 1000)) }
        return .seconds(60)
    }

    /// Asks for a reconcile soon (webhook, API); returns at once. Triggers coalesce while a run is going.
    public nonisolated func trigger(reason: String) {
        continuation.yield(reason)
    }

    /// Fetches, reads and reconciles now, waiting for the result (nil when the desired state
    /// could not be read; see `lastError`).
    @discardableResult
    public func reconcileNow(trigger: String) async -> ReconcileResult? {
        do {
            let snapshot = try await readDesiredState()
            let result = try await engine.reconcile(desired: snapshot.result.state, commitSHA: snapshot.commitSHA,
                                                    trigger: trigger)
            lastResult = result
            lastError = nil
            logger.info("reconcile \(result.result.rawValue) at \(snapshot.commitSHA.prefix(12)) (\(trigger), \(result.durationMS) ms, read \(snapshot.readPaths.count) file(s))")
            return result
        } catch {
            lastError = "\(error)"
            logger.error("reconcile (\(trigger)) failed: \(error)")
            if let invalid = error as? InvalidDesiredState {
                _ = try? await engine.recordFailure(trigger: trigger, commitSHA: invalid.commitSHA,
                                                    errors: invalid.diagnostics.map(\.description))
            } else {
                _ = try? await engine.recordFailure(trigger: trigger, commitSHA: nil,
                                                    errors: ["reading the desired state: \(error)"])
            }
            return nil
        }
    }

    func readDesiredState() async throws -> DesiredStateSnapshot {
        switch source {
        case .remote(let mirror, let branch):
            let sha = try mirror.fetch(branch: branch)
            let reader = try self.reader ?? DesiredStateReader(repository: mirror.repository(), subdirectory: subdirectory)
            self.reader = reader
            return try await reader.readValid(ref: sha)
        case .local(let repository, let ref):
            let reader = self.reader ?? DesiredStateReader(repository: repository, subdirectory: subdirectory)
            self.reader = reader
            return try await reader.readValid(ref: ref)
        }
    }

    /// Runs until cancelled or a graceful shutdown: once at start, then on every interval and trigger.
    public func run() async throws {
        let continuation = self.continuation
        let interval = self.interval
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: interval)
                        continuation.yield("timer")
                    }
                }
                await self.reconcileNow(trigger: "timer")
                for await reason in self.triggers {
                    if Task.isCancelled { break }
                    await self.reconcileNow(trigger: reason)
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }
}
