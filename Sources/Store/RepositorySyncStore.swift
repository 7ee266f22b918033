import Foundation
import Logging
import PostgresNIO
import Spec

/// One sync of an artifact-store repository from its upstream (`repository_syncs`, migration 0042).
package struct RepositorySyncRecord: Sendable, Hashable {
    /// `running` until finished, then `completed` or `failed`.
    package enum Status: String, Sendable, Hashable, Codable {
        case running, completed, failed
    }

    package var id: Int64
    package var storeRepository: String
    package var remoteURL: String
    package var policy: String
    /// Why it ran: `new remote`, `remote changed`, `never synced`, `last sync 7h ago, interval 6h`.
    package var reason: String
    package var status: Status
    package var startedAt: Date
    package var finishedAt: Date?
    package var added: Int
    package var removed: Int
    package var present: Int
    /// False when the sync found nothing new upstream (no new repository version).
    package var newVersion: Bool
    package var error: String?
    package var commitSHA: String?

    /// Seconds from start to finish; nil while running.
    package var durationSeconds: Double? { finishedAt.map { $0.timeIntervalSince(startedAt) } }
}

/// What a finished sync reports.
package struct RepositorySyncOutcome: Sendable, Hashable {
    package var added: Int
    package var removed: Int
    package var present: Int
    package var newVersion: Bool

    package init(added: Int, removed: Int, present: Int, newVersion: Bool) {
        self.added = added
        self.removed = removed
        self.present = present
        self.newVersion = newVersion
    }
}

/// Records the syncs the reconciler runs and reads the latest per repository.
///
///     let id = try await syncs.start(storeRepository: name, remoteURL: url, policy: "on_demand", reason: "new remote", commitSHA: sha)
///     try await syncs.finish(id, .success(outcome))
package struct RepositorySyncStore: Sendable {
    package let client: PostgresClient
    package let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.repository-syncs")) {
        self.client = client
        self.logger = logger
    }

    /// Inserts a `running` sync and returns its id.
    package func start(
        storeRepository: String, remoteURL: String, policy: String, reason: String, commitSHA: String?
    ) async throws -> Int64 {
        let rows = try await client.query(
            """
            INSERT INTO repository_syncs (store_repository, remote_url, policy, reason, status, commit_sha)
            VALUES (\(storeRepository), \(remoteURL), \(policy), \(reason), 'running', \(commitSHA))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw ReconcileRunStoreError.noRowReturned
    }

    /// Marks sync `id` completed with its counts, or failed with the error's text.
    package func finish(_ id: Int64, _ result: Result<RepositorySyncOutcome, any Error>) async throws {
        switch result {
        case .success(let o):
            try await client.query(
                """
                UPDATE repository_syncs SET status = 'completed', finished_at = clock_timestamp(),
                  added = \(o.added), removed = \(o.removed), present = \(o.present), new_version = \(o.newVersion)
                WHERE id = \(id)
                """, logger: logger)
        case .failure(let error):
            let text = String(String(describing: error).prefix(4000))
            try await client.query(
                """
                UPDATE repository_syncs SET status = 'failed', finished_at = clock_timestamp(), error = \(text)
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    /// The latest sync of each of `names` (any status), by store repository name.
    package func latest(of names: [String]) async throws -> [String: RepositorySyncRecord] {
        try await latest(of: names, completedOnly: false)
    }

    /// The latest completed sync of each of `names`, by store repository name.
    package func latestCompleted(of names: [String]) async throws -> [String: RepositorySyncRecord] {
        try await latest(of: names, completedOnly: true)
    }

    private func latest(of names: [String], completedOnly: Bool) async throws -> [String: RepositorySyncRecord] {
        guard !names.isEmpty else { return [:] }
        let rows = try await client.query(
            """
            SELECT DISTINCT ON (store_repository) id, store_repository, remote_url, policy, reason, status,
                   started_at, finished_at, added, removed, present, new_version, error, commit_sha
            FROM repository_syncs
            WHERE store_repository = ANY(\(names)) AND (NOT \(completedOnly) OR status = 'completed')
            ORDER BY store_repository, started_at DESC, id DESC
            """, logger: logger)
        var out: [String: RepositorySyncRecord] = [:]
        for try await row in rows.decode(
            (
                Int64, String, String, String, String, String, Date, Date?, Int32, Int32, Int32, Bool, String?,
                String?
            ).self)
        {
            let record = RepositorySyncRecord(
                id: row.0, storeRepository: row.1, remoteURL: row.2, policy: row.3, reason: row.4,
                status: RepositorySyncRecord.Status(rawValue: row.5) ?? .failed, startedAt: row.6,
                finishedAt: row.7, added: Int(row.8), removed: Int(row.9), present: Int(row.10),
                newVersion: row.11, error: row.12, commitSHA: row.13)
            out[record.storeRepository] = record
        }
        return out
    }
}

extension RepositorySync {
    /// The `sync:` stored in a `repositories` row; nil when the columns are NULL (none declared).
    init?(stored interval: Int32?, _ policy: String?, _ readOnly: Bool?) {
        guard let interval, let policy, let p = Policy(rawValue: policy) else { return nil }
        self.init(intervalSeconds: Int(interval), policy: p, readOnly: readOnly ?? false)
    }
}
