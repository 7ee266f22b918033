import Artifacts
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// Imports the artifacts of results `build_done` recorded (`BuildImportQueue`) and finishes
/// their tasks: `settings.imports.workers` loops per `kiln serve` process claim due jobs with
/// FOR UPDATE SKIP LOCKED (processes share the queue), import with no database lock or
/// connection held, then complete the job in one transaction. A failed attempt (artifact
/// store down) is retried with back-off; a job whose worker died is due again when its lease
/// lapses, so a restart resumes the queue.
///
///     let group = ServiceGroup(services: [app, BuildImportWorker(dependencies)], ...)
package struct BuildImportWorker: Service {
    /// The pool to use now (the supervisor's current one: it changes after a database outage).
    let database: @Sendable () -> PostgresClient
    /// Whether the database is known to be away (no attempt is made then).
    let databaseDown: @Sendable () -> Bool
    let store: any ArtifactStore
    let locks = RepositoryLocks()
    let prefix: String
    let settings: ImportSettings
    let logger: Logger

    package init(_ dependencies: ServerDependencies) {
        self.init(
            database: { dependencies.currentDatabase },
            databaseDown: {
                if case .down = dependencies.databaseSupervisor?.health { return true }
                return false
            },
            store: dependencies.artifactStore, settings: dependencies.settings, logger: dependencies.logger)
    }

    package init(database: PostgresClient, store: any ArtifactStore, settings: ServerSettings, logger: Logger) {
        self.init(database: { database }, databaseDown: { false }, store: store, settings: settings, logger: logger)
    }

    init(
        database: @escaping @Sendable () -> PostgresClient, databaseDown: @escaping @Sendable () -> Bool,
        store: any ArtifactStore, settings: ServerSettings, logger: Logger
    ) {
        self.database = database
        self.databaseDown = databaseDown
        self.store = store
        self.prefix = settings.buildRepositoryPrefix
        self.settings = settings.imports
        self.logger = logger
    }

    /// The queue on the current pool.
    var queue: BuildImportQueue { BuildImportQueue(client: database(), logger: logger) }

    /// The importer on the current pool (the repository locks are the worker's own, shared).
    var importer: BuildArtifactImporter {
        BuildArtifactImporter(
            store: store, repositories: BuildRepositoryStore(client: database(), logger: logger), locks: locks,
            prefix: prefix)
    }

    /// What one attempt did.
    package enum Attempt: Sendable, Equatable {
        /// No job was due.
        case idle
        /// A job was imported and its task finished (false: another worker's claim finished it).
        case completed(Bool)
        /// The import failed; the job is due again after the back-off.
        case failed(String)
    }

    /// Claims one due job and runs it.
    @discardableResult
    package func runOnce() async throws -> Attempt {
        let queue = self.queue
        let importer = self.importer
        guard let job = try await queue.claim(lease: settings.lease.seconds) else { return .idle }
        do {
            let artifacts = try JSONDecoder().decode([BuildDoneArtifact].self, from: Data(job.artifactsJSON.utf8))
            let records = try await whileHoldingLease(of: job, in: queue) {
                try await importer.importArtifacts(artifacts, task: job.task)
            }
            return .completed(try await queue.complete(job, artifacts: records))
        } catch let error as ArtifactStoreError where error.isRefusal {
            // The node reported artifacts the store refuses for good: retrying cannot help.
            logger.warning("import of task \(job.task.id) refused, the task fails: \(error)")
            let message = "The artifacts reported by \(job.finish.node) could not be imported: \(error)"
            return .completed(try await queue.complete(job, artifacts: [], failure: message))
        } catch {
            await importer.locks.forgetAll()
            let delay = settings.backoff(afterAttempts: job.attempts)
            logger.warning(
                "import of task \(job.task.id) failed (attempt \(job.attempts)), retrying in \(delay): \(error)")
            try await queue.retry(job, error: String(describing: error), delay: delay.seconds)
            return .failed(String(describing: error))
        }
    }

    /// Runs `body` while renewing the job's lease every third of it, so an import slower than
    /// the lease (a busy Pulp) is not taken and repeated by another worker; a worker that dies
    /// stops renewing and the job is due again once the lease lapses.
    private func whileHoldingLease<T: Sendable>(
        of job: ImportJob, in queue: BuildImportQueue, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let lease = settings.lease
        let logger = self.logger
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: lease / 3)
                    if Task.isCancelled { break }
                    do { try await queue.extend(job, lease: lease.seconds) } catch {
                        logger.warning("could not renew the import lease of task \(job.task.id): \(error)")
                    }
                }
                return nil
            }
            group.addTask { try await body() }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw CancellationError()
        }
    }

    /// Runs due jobs until none is due; returns how many attempts were made (tests, tools).
    @discardableResult
    package func drain() async throws -> Int {
        var count = 0
        while try await runOnce() != .idle { count += 1 }
        return count
    }

    package func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, settings.workers) {
                group.addTask { await loop() }
            }
        }
    }

    private func loop() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var worked = false
            do {
                // the database is away: wait for the supervisor to bring it back
                if !databaseDown() { worked = try await runOnce() != .idle }
            } catch {
                logger.warning("import queue unavailable: \(error)")
            }
            if !worked {
                let interval = settings.pollInterval
                _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        }
    }
}

extension ArtifactStoreError {
    /// The store refused what the node reported (unknown artifact, checksum, name, package):
    /// the same import would fail again.
    var isRefusal: Bool {
        switch self {
        case .artifactNotFound, .checksumMismatch, .invalidName, .invalidPackage: true
        case .repositoryNotFound, .kindMismatch: false
        }
    }
}
