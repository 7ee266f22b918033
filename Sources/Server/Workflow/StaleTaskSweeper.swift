import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// A service that, every `settings.sweepInterval`, puts started tasks whose node stopped
/// pinging for `settings.nodeTimeout` (measured on `dependencies.leaseClock`) back to idle (or fails them after `maxTaskAttempts` claims).
///
///     let group = ServiceGroup(services: [app, StaleTaskSweeper(dependencies)], ...)
package struct StaleTaskSweeper: Service {
    let dependencies: ServerDependencies
    let settings: ServerSettings
    let logger: Logger

    /// The claims on the current pool (it changes after a database outage).
    var claims: TaskClaims {
        TaskClaims(client: dependencies.currentDatabase, logger: dependencies.logger, clock: dependencies.leaseClock)
    }

    package init(_ dependencies: ServerDependencies) {
        self.dependencies = dependencies
        self.settings = dependencies.settings
        self.logger = dependencies.logger
    }

    /// One sweep: build tasks, then sign tasks whose lease (`KILN_SIGN_TIMEOUT`) lapsed, then test
    /// tasks with no result within `KILN_TEST_TIMEOUT`.
    @discardableResult
    package func sweep() async throws -> TaskClaims.SweepResult {
        let result = try await claims.sweepStale(
            timeout: settings.nodeTimeout.seconds, maxAttempts: settings.maxTaskAttempts)
        if !result.requeued.isEmpty || !result.failed.isEmpty {
            logger.info("stale tasks: requeued \(result.requeued), failed \(result.failed)")
        }
        let signTasks = SignTaskStore(
            client: dependencies.currentDatabase, logger: logger, clock: dependencies.leaseClock)
        let requeued = try await signTasks.sweepStale()
        if !requeued.isEmpty { logger.info("stale sign tasks back to idle: \(requeued)") }
        let testTasks = TestTaskStore(
            client: dependencies.currentDatabase, logger: logger, clock: dependencies.leaseClock)
        let queued = try await testTasks.sweepStale()
        if !queued.isEmpty { logger.info("test tasks with no result back in the queue: \(queued)") }
        return result
    }

    package func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if case .down = dependencies.databaseSupervisor?.health {
                    // the database is away: nothing to sweep until it is back
                } else {
                    try await sweep()
                }
            } catch {
                logger.warning("stale-task sweep failed: \(error)")
            }
            let interval = settings.sweepInterval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
