import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Store

/// Keeps a `RevocationSet` current (a service of `kiln serve`): LISTENs on `kiln_revocations`
/// (`token:<jti>` marks a token revoked at once; `user:<id>` re-reads that user's `is_active`),
/// reloads everything each time the LISTEN is (re)established, and every `reloadInterval` as a
/// fallback for anything missed. Several Kiln processes on one database each run one.
package struct RevocationWatcher: Service {
    /// The default full-reload interval (`KILN_REVOCATION_RELOAD`).
    package static let defaultReloadInterval: Duration = .seconds(60)

    let revocations: RevocationSet
    let database: @Sendable () -> PostgresClient
    let reloadInterval: Duration
    let logger: Logger

    /// A watcher filling `revocations` from the pool `database` returns (the current one after an outage).
    package init(
        revocations: RevocationSet, reloadInterval: Duration, logger: Logger,
        database: @escaping @Sendable () -> PostgresClient
    ) {
        self.revocations = revocations
        self.database = database
        self.reloadInterval = reloadInterval
        self.logger = logger
    }

    /// Reads the whole set from the database once (also used before serving starts).
    package func reload() async throws {
        let started = ContinuousClock.now
        let snapshot = try await TokenRevocationStore(client: database(), logger: logger).snapshot()
        revocations.replace(with: snapshot, readSince: started)
    }

    package func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await listenLoop() }
            group.addTask { await reloadLoop() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func listenLoop() async {
        while !Task.isCancelled {
            do {
                let store = TokenRevocationStore(client: database(), logger: logger)
                try await store.listen(ready: { try await reload() }, notice: { notice in await apply(notice) })
            } catch {
                if Task.isCancelled { return }
                logger.warning("revocation LISTEN ended; retrying", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func reloadLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: reloadInterval)
            if Task.isCancelled { return }
            do { try await reload() } catch {
                logger.warning("revocation reload failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    /// Applies one NOTIFY message.
    func apply(_ notice: RevocationNotice) async {
        switch notice {
        case .token(let id):
            revocations.revoke(tokenID: id)
        case .user(let id):
            do {
                let active = try await TokenRevocationStore(client: database(), logger: logger).isActive(userID: id)
                revocations.setUser(id, inactive: !active)
            } catch {
                // Fail closed until the next reload says otherwise.
                revocations.setUser(id, inactive: true)
                logger.warning("cannot read user \(id) after a revocation notice: \(error)")
            }
        }
    }
}
