import Artifacts
import Foundation
import Logging
import Spec
import Store

/// A store repository whose sync from upstream is due, and why.
package struct SyncDue: Sendable, Hashable, Codable {
    /// The store repository (`AlmaLinux-9-BaseOS-x86_64`).
    package var storeRepository: String
    package var remoteURL: String
    package var policy: String
    /// `new remote`, `remote changed`, `never synced` or `last sync 7h ago, interval 6h`.
    package var reason: String

    enum CodingKeys: String, CodingKey {
        case storeRepository = "store_repository"
        case remoteURL = "remote_url"
        case policy, reason
    }

    package init(storeRepository: String, remoteURL: String, policy: String, reason: String) {
        self.storeRepository = storeRepository
        self.remoteURL = remoteURL
        self.policy = policy
        self.reason = reason
    }
}

/// Which remote repositories are due a sync, and running those syncs (bounded, each failure
/// recorded and logged, never thrown: a failing upstream does not block anything else).
package enum RepositorySyncRunner {
    /// Syncs due for `desired`: a remote new or changed by `changes`, else one never synced or
    /// whose last completed sync (`lastCompleted`) is older than its interval at `now`.
    package static func due(
        desired: DesiredState, changes: [Change], lastCompleted: [String: RepositorySyncRecord], now: Date
    ) -> [SyncDue] {
        var changed: [String: String] = [:]
        for c in changes where c.kind == .storeRepository {
            guard case .storeRepository(let want)? = c.desired, want.remoteURL != nil else { continue }
            if c.action == .create {
                changed[want.name] = "new remote"
            } else if c.action == .update {
                if case .storeRepository(let have)? = c.actual, have.remoteURL == want.remoteURL {
                    continue
                }
                changed[want.name] = c.actual.map { _ in "remote changed" } ?? "new remote"
            }
        }
        var out: [SyncDue] = []
        for repository in Planner.desiredRepositories(desired).values {
            guard let spec = StoreNaming.spec(for: repository), let url = spec.remoteURL else { continue }
            let sync = repository.effectiveSync
            let reason: String
            if let r = changed[spec.name] {
                reason = r
            } else if let last = lastCompleted[spec.name] {
                let age = now.timeIntervalSince(last.finishedAt ?? last.startedAt)
                guard age >= Double(sync.intervalSeconds) else { continue }
                reason =
                    "last sync \(RepositorySync.formatInterval(max(60, Int(age) / 60 * 60))) ago, "
                    + "interval \(RepositorySync.formatInterval(sync.intervalSeconds))"
            } else {
                reason = "never synced"
            }
            out.append(
                SyncDue(storeRepository: spec.name, remoteURL: url, policy: sync.policy.rawValue, reason: reason))
        }
        return out.sorted { $0.storeRepository < $1.storeRepository }
    }

    /// Runs `due` with at most `maxConcurrent` in flight, each recorded in `records`; returns
    /// the finished records. Errors are recorded as failed syncs, not thrown.
    package static func run(
        _ due: [SyncDue], store: any ArtifactStore, records: RepositorySyncStore, commitSHA: String?,
        maxConcurrent: Int, logger: Logger
    ) async -> [RepositorySyncRecord] {
        let ids: [Int64?] =
            (try? await boundedMap(due, maxConcurrent: maxConcurrent) { d -> Int64? in
                let id = try? await records.start(
                    storeRepository: d.storeRepository, remoteURL: d.remoteURL, policy: d.policy, reason: d.reason,
                    commitSHA: commitSHA)
                let result: Result<RepositorySyncOutcome, any Error>
                do {
                    let r = try await store.syncRepository(named: d.storeRepository, policy: d.policy)
                    logger.info("sync \(d.storeRepository) (\(d.reason)): +\(r.added) -\(r.removed) =\(r.present)")
                    result = .success(
                        RepositorySyncOutcome(
                            added: r.added, removed: r.removed, present: r.present, newVersion: r.newVersion))
                } catch {
                    logger.error("sync \(d.storeRepository) from \(d.remoteURL) failed: \(error)")
                    result = .failure(error)
                }
                if let id { try? await records.finish(id, result) }
                return id
            }) ?? []
        let latest = (try? await records.latest(of: due.map(\.storeRepository))) ?? [:]
        let wanted = Set(ids.compactMap { $0 })
        return latest.values.filter { wanted.contains($0.id) }.sorted { $0.storeRepository < $1.storeRepository }
    }
}
