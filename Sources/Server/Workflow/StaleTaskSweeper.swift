import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// A service that, every `settings.sweepInterval`, puts started tasks whose node stopped
/// pinging for `settings.nodeTimeout` (measured on `dependencies.leaseClock`) back to idle (or fails them after `maxTaskAttempts` claims).
///
///     let group = ServiceGroup(services: [app, StaleTaskSweeper(dependencies)], ...)
package struct StaleTaskSweeper: Service {
    let claims: TaskClaims
    let settings: ServerSettings
    let logger: Logger

    package init(_ dependencies: ServerDependencies) {
        self.claims = TaskClaims(
            client: dependencies.database, logger: dependencies.logger,
            clock: dependencies.leaseClock)
        self.settings = dependencies.settings
        self.logger = dependencies.logger
    }

    /// One sweep.
    @discardableResult
    package func sweep() async throws -> TaskClaims.SweepResult {
        let result = try await claims.sweepStale(
            timeout: settings.nodeTimeout.seconds, maxAttempts: settings.maxTaskAttempts)
        if !result.requeued.isEmpty || !result.failed.isEmpty {
            logger.info("stale tasks: requeued \(result.requeued), failed \(result.failed)")
        }
        return result
    }

    package func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await sweep()
            } catch {
                logger.warning("stale-task sweep failed: \(error)")
            }
            let interval = settings.sweepInterval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
