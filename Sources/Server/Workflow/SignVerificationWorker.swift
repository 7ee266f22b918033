import Artifacts
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// Verifies the reports sign nodes recorded (`SignResultQueue`): `settings.signing.workers` loops
/// per `kiln serve` process claim due results with FOR UPDATE SKIP LOCKED, verify and swap with
/// no database lock held (`SignVerification`), then complete or fail the task in one
/// transaction. An artifact store away is retried with back-off; a worker that dies leaves its
/// result due again once its lease lapses, and the next claim finishes the (idempotent) work.
///
///     let group = ServiceGroup(services: [app, SignVerificationWorker(dependencies)], ...)
package struct SignVerificationWorker: Service {
    let database: @Sendable () -> PostgresClient
    let databaseDown: @Sendable () -> Bool
    let store: any ArtifactStore
    let prefix: String
    let settings: SigningSettings
    let logger: Logger

    package init(_ dependencies: ServerDependencies) {
        self.database = { dependencies.currentDatabase }
        self.databaseDown = {
            if case .down = dependencies.databaseSupervisor?.health { return true }
            return false
        }
        self.store = dependencies.artifactStore
        self.prefix = dependencies.settings.buildRepositoryPrefix
        self.settings = dependencies.settings.signing
        self.logger = dependencies.logger
    }

    package init(database: PostgresClient, store: any ArtifactStore, settings: ServerSettings, logger: Logger) {
        self.database = { database }
        self.databaseDown = { false }
        self.store = store
        self.prefix = settings.buildRepositoryPrefix
        self.settings = settings.signing
        self.logger = logger
    }

    /// What one attempt did.
    package enum Attempt: Sendable, Equatable {
        /// No result was due.
        case idle
        /// Every package verified and was swapped in (false: another worker's claim finished it).
        case signed(Bool)
        /// Verification refused the report; the task failed with this message.
        case refused(String)
        /// The attempt failed (artifact store away); the result is due again after the back-off.
        case failed(String)
    }

    /// Claims one due result and runs it.
    @discardableResult
    package func runOnce() async throws -> Attempt {
        let queue = SignResultQueue(client: database(), logger: logger)
        let verification = SignVerification(
            store: store, repositories: BuildRepositoryStore(client: database(), logger: logger), prefix: prefix,
            logger: logger)
        guard let job = try await queue.claim(lease: settings.lease.seconds) else { return .idle }
        do {
            let reported = try JSONDecoder().decode([SignedRpmInfo].self, from: Data(job.packagesJSON.utf8))
            let outcome = try await whileHoldingLease(of: job, in: queue) {
                try await verification.run(job, reported: reported)
            }
            switch outcome {
            case .verified(let swaps):
                let done = try await queue.complete(job, swaps: swaps)
                if done { await verification.cleanUp(taskID: job.taskID) }
                logger.info(
                    "sign task \(job.taskID) of build \(job.buildID): \(swaps.count) package(s) verified and signed")
                return .signed(done)
            case .refused(let message, let failures):
                logger.warning("sign task \(job.taskID) of build \(job.buildID) refused: \(message)")
                try await queue.fail(job, message: message, failures: failures)
                return .refused(message)
            }
        } catch {
            let delay = settings.backoff(afterAttempts: job.attempts)
            logger.warning(
                "verification of sign task \(job.taskID) failed (attempt \(job.attempts)), retrying in \(delay): \(error)"
            )
            try await queue.retry(job, error: String(describing: error), delay: delay.seconds)
            return .failed(String(describing: error))
        }
    }

    /// Runs `body` while renewing the result's lease every third of it.
    private func whileHoldingLease<T: Sendable>(
        of job: SignVerificationJob, in queue: SignResultQueue, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let lease = settings.lease
        let logger = self.logger
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: lease / 3)
                    if Task.isCancelled { break }
                    do { try await queue.extend(job, lease: lease.seconds) } catch {
                        logger.warning("could not renew the verification lease of sign task \(job.taskID): \(error)")
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

    /// Runs due results until none is due; returns how many attempts were made (tests, tools).
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
            if !databaseDown() {
                do { worked = try await runOnce() != .idle } catch {
                    logger.warning("sign verification worker: \(error)")
                }
            }
            if !worked {
                let interval = settings.pollInterval
                _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        }
    }
}
