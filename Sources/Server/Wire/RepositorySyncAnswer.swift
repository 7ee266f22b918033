import Artifacts
import Foundation
import Reconciler
import Spec
import Store

/// A synced repository's `sync` in `GET /api/v1/repositories/`: the schedule from git and the
/// last sync the reconciler recorded (null until one ran; null inside platforms).
package struct RepositorySyncAnswer: Codable, Sendable, Equatable {
    /// `6h`, `30m`, `1d`.
    package var interval: String
    /// The remote's download policy: `immediate`, `on_demand`, `streamed`.
    package var policy: String
    @Nullable package var lastSync: LastSync?

    /// One recorded sync.
    package struct LastSync: Codable, Sendable, Equatable {
        /// `running`, `completed` or `failed`.
        package var status: String
        /// Why it ran (`new remote`, `remote changed`, `never synced`, `last sync 7h ago, interval 6h`).
        package var reason: String
        package var startedAt: Date
        @Nullable package var finishedAt: Date?
        @Nullable package var durationMs: Int?
        package var added: Int
        package var removed: Int
        package var present: Int
        @Nullable package var error: String?
        @Nullable package var commitSHA: String?

        enum CodingKeys: String, CodingKey {
            case status, reason
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case durationMs = "duration_ms"
            case added, removed, present, error
            case commitSHA = "commit_sha"
        }
    }

    enum CodingKeys: String, CodingKey {
        case interval, policy
        case lastSync = "last_sync"
    }
}

extension RepositorySyncAnswer {
    /// The `sync` of a repository row: nil unless Kiln syncs it from upstream (a remote).
    init?(_ row: DesiredStateQueries.RepositoryRow, last: RepositorySyncRecord?) {
        let repository = Repository(
            name: row.name, arch: row.arch, url: row.url, type: row.type, debug: row.debug,
            production: row.production, sync: row.sync)
        guard StoreNaming.spec(for: repository)?.remoteURL != nil else { return nil }
        let sync = repository.effectiveSync
        self.init(
            interval: RepositorySync.formatInterval(sync.intervalSeconds), policy: sync.policy.rawValue,
            lastSync: last.map {
                LastSync(
                    status: $0.status.rawValue, reason: $0.reason, startedAt: $0.startedAt, finishedAt: $0.finishedAt,
                    durationMs: $0.durationSeconds.map { Int(($0 * 1000).rounded()) }, added: $0.added,
                    removed: $0.removed, present: $0.present, error: $0.error, commitSHA: $0.commitSHA)
            })
    }

    /// The store repository a row's syncs are recorded under.
    static func storeName(_ row: DesiredStateQueries.RepositoryRow) -> String {
        RepositoryKey(name: row.name, arch: row.arch, debug: row.debug).storeName
    }
}
