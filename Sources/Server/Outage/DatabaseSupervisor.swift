import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Store

/// Watches PostgreSQL and keeps the connection pool usable across outages; a `Service`.
///
/// One dedicated connection runs `SELECT 1` every `heartbeat`; its closing (PostgreSQL stopped)
/// or a probe not answered within `probeTimeout` marks the database down at once, and requests
/// answer 503 instead of waiting in the pool. While down it reconnects every `reconnect`; when
/// a connection succeeds the database is up again and a fresh pool takes over. A fresh pool,
/// because PostgresNIO's pool backs off its own reconnects exponentially (up to a minute) and
/// offers no way to reset that: the pool of the outage is retired (its waiting requests fail
/// with 503 after `retireAfter`), so the first request after PostgreSQL returns succeeds.
///
///     let supervisor = DatabaseSupervisor(config: config, logger: logger)
///     // services: [supervisor, app, ...]; dependencies.databaseSupervisor = supervisor
package final class DatabaseSupervisor: Service, Sendable {
    /// How often and how patiently the database is watched.
    package struct Timing: Sendable {
        /// Between two `SELECT 1` on the watch connection.
        package var heartbeat: Duration = .seconds(1)
        /// How long a connect or a probe may take before the database counts as down.
        package var probeTimeout: Duration = .seconds(1)
        /// Between reconnect attempts while down.
        package var reconnect: Duration = .milliseconds(200)
        /// How long a replaced pool keeps serving the requests it holds before it is closed.
        package var retireAfter: Duration = .seconds(1)

        package init() {}
    }

    /// Whether the database answers.
    package enum Health: Sendable, Equatable {
        case up
        /// Unreachable, with what was seen.
        case down(String)
    }

    private struct State {
        var client: PostgresClient
        var generation = 0
        var health = Health.up
        /// Pools waiting for their `run()` to be started by the service (the first one and replacements).
        var starting: [(generation: Int, client: PostgresClient)] = []
        var retire: [Int: AsyncStream<Void>.Continuation] = [:]
    }

    package let config: DatabaseConfig
    package let timing: Timing
    let logger: Logger
    private let state: NIOLockedValueBox<State>
    private let events: AsyncStream<Void>
    private let eventContinuation: AsyncStream<Void>.Continuation

    package init(config: DatabaseConfig, timing: Timing = Timing(), logger: Logger) {
        self.config = config
        self.timing = timing
        self.logger = logger
        let client = PostgresClient(configuration: config.clientConfiguration, backgroundLogger: logger)
        state = NIOLockedValueBox(State(client: client, starting: [(0, client)]))
        (events, eventContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// The pool to use now (it changes after an outage).
    package var client: PostgresClient { state.withLockedValue { $0.client } }

    /// The pool generation (0 at start, +1 after every outage).
    package var generation: Int { state.withLockedValue { $0.generation } }

    /// Up or down (with the cause).
    package var health: Health { state.withLockedValue { $0.health } }

    /// Marks the database down (called from the watch connection's close callback too) and puts
    /// a fresh pool in place: requests waiting in the old one fail after `retireAfter`.
    func markDown(_ cause: String) {
        let changed = state.withLockedValue { state -> Bool in
            guard state.health == .up else { return false }
            state.health = .down(cause)
            Self.replacePool(&state, config: config, logger: logger)
            return true
        }
        if changed {
            logger.error("database unreachable: \(cause); answering 503 until it is back")
            eventContinuation.yield()
        }
    }

    /// Marks the database up; after an outage a fresh pool replaces the current one.
    func markUp() {
        let replaced = state.withLockedValue { state -> Bool in
            guard state.health != .up else { return false }
            state.health = .up
            Self.replacePool(&state, config: config, logger: logger)
            return true
        }
        if replaced {
            logger.notice("database reachable again: serving with a fresh connection pool")
            eventContinuation.yield()
        }
    }

    /// A new pool becomes current; the service starts it and retires the old one.
    private static func replacePool(_ state: inout State, config: DatabaseConfig, logger: Logger) {
        let client = PostgresClient(configuration: config.clientConfiguration, backgroundLogger: logger)
        state.generation += 1
        state.client = client
        state.starting.append((state.generation, client))
    }

    /// Runs the pools and the watch until cancelled or a graceful shutdown.
    package func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.watch() }
            group.addTask {
                await cancelWhenGracefulShutdown { await self.servePools() }
            }
            self.eventContinuation.yield()  // start the first pool
        }
    }

    /// Starts every new pool and retires the replaced ones.
    private func servePools() async {
        await withDiscardingTaskGroup { group in
            for await _ in events {
                let starting = state.withLockedValue { state in
                    defer { state.starting = [] }
                    return state.starting
                }
                for (generation, client) in starting {
                    let (retired, continuation) = AsyncStream.makeStream(of: Void.self)
                    state.withLockedValue { $0.retire[generation] = continuation }
                    group.addTask {
                        await withDiscardingTaskGroup { pool in
                            pool.addTask { await client.run() }
                            for await _ in retired {}
                            pool.cancelAll()
                        }
                    }
                }
                let toRetire = state.withLockedValue { state in
                    let old = state.retire.keys.filter { $0 < state.generation }
                    return old.compactMap { state.retire.removeValue(forKey: $0) }
                }
                let grace = timing.retireAfter
                for continuation in toRetire {
                    group.addTask {
                        try? await Task.sleep(for: grace)
                        continuation.finish()
                    }
                }
                if Task.isCancelled { break }
            }
            let all = state.withLockedValue { state in
                defer { state.retire = [:] }
                return Array(state.retire.values)
            }
            for continuation in all { continuation.finish() }
            group.cancelAll()
        }
    }

    /// Keeps one connection open and probes it; reconnects while down.
    private func watch() async {
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let connection = try await connect(id: attempt)
                attempt += 1
                let closing = NIOLockedValueBox(false)
                connection.closeFuture.whenComplete { [weak self] _ in
                    if !closing.withLockedValue({ $0 }) { self?.markDown("the server closed the connection") }
                }
                markUp()
                do {
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        try await waitForHeartbeat()
                        if case .down = health { break }  // closed under us: reconnect now
                        try await probe(connection)
                    }
                } catch {
                    closing.withLockedValue { $0 = true }
                    try? await connection.close()
                    throw error
                }
                closing.withLockedValue { $0 = true }
                try? await connection.close()
            } catch {
                attempt += 1
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                logger.debug("database watch: \(error)")
                markDown(DatabaseUnavailable.cause(of: error) ?? "\(error)")
                _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.timing.reconnect) }
            }
        }
        eventContinuation.finish()
    }

    /// Sleeps `heartbeat` in steps of at most 100 ms, returning early once the database is down
    /// (the watch connection closed), so reconnecting starts at once.
    private func waitForHeartbeat() async throws {
        var left = timing.heartbeat
        while left > .zero, health == .up {
            let step = min(left, .milliseconds(100))
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: step) }
            left -= step
        }
    }

    private func connect(id: Int) async throws -> PostgresConnection {
        var configuration = try config.connectionConfiguration()
        configuration.options.connectTimeout = .milliseconds(Int64(timing.probeTimeout / .milliseconds(1)))
        let logger = self.logger
        let settled = configuration
        return try await withDeadline(
            timing.probeTimeout * 2,
            onLate: { try? await $0.close() },
            { try await PostgresConnection.connect(configuration: settled, id: id, logger: logger) })
    }

    private func probe(_ connection: PostgresConnection) async throws {
        let logger = self.logger
        do {
            _ = try await withDeadline(timing.probeTimeout) {
                try await connection.query("SELECT 1", logger: logger).collect().count
            }
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Checks the database with one `SELECT 1` on the pool within `probeTimeout` (for a server
    /// without a supervisor, e.g. tests); throws `DatabaseUnavailableError` on timeout.
    package static func check(_ client: PostgresClient, timeout: Duration) async throws {
        _ = try await withDeadline(timeout) {
            try await client.query("SELECT 1").collect()
        }
    }
}

/// `body`, or `DatabaseUnavailableError` when it takes longer than `timeout`. Does not wait for
/// `body` to notice its cancellation (a connect or query stuck on a dead socket may not): a
/// value it still produces late is handed to `onLate` (e.g. to close a connection).
func withDeadline<T: Sendable>(
    _ timeout: Duration, onLate: @escaping @Sendable (T) async -> Void = { _ in },
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let pending = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
    let take: @Sendable () -> CheckedContinuation<T, any Error>? = {
        pending.withLockedValue { continuation in
            defer { continuation = nil }
            return continuation
        }
    }
    return try await withCheckedThrowingContinuation { continuation in
        pending.withLockedValue { $0 = continuation }
        let work = Task {
            do {
                let value = try await body()
                if let continuation = take() { continuation.resume(returning: value) } else { await onLate(value) }
            } catch {
                take()?.resume(throwing: error)
            }
        }
        Task {
            try? await Task.sleep(for: timeout)
            if let continuation = take() {
                work.cancel()
                continuation.resume(throwing: DatabaseUnavailableError(cause: "no answer within \(timeout)"))
            }
        }
    }
}
