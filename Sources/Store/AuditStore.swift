import Foundation
import Logging
import PostgresNIO

/// One row of `audit_events`: who (a user, or the commit a reconcile applied) changed an object.
package struct AuditEvent: Sendable, Hashable {
    package var id: Int64
    package var objectKind: String
    package var objectID: String
    package var action: String
    package var userID: Int64?
    package var username: String?
    package var commitSHA: String?
    package var at: Date
}

/// `audit_events`: written in the transaction of the change it records, read by `GET /api/v1/audit/`.
package struct AuditStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Records that `userID` did `action` to `kind` `id`, on `conn` (the change's transaction).
    package static func record(
        kind: String, id: String, action: String, userID: Int64?, commitSHA: String? = nil,
        on conn: PostgresConnection, logger: Logger
    ) async throws {
        try await conn.query(
            """
            INSERT INTO audit_events (object_kind, object_id, action, actor_user_id, commit_sha)
            VALUES (\(kind), \(id), \(action), \(userID), \(commitSHA))
            """, logger: logger)
    }

    /// Records an API change made outside a transaction of its own (one statement after it).
    package func record(kind: String, id: String, action: String, userID: Int64?) async throws {
        try await client.query(
            """
            INSERT INTO audit_events (object_kind, object_id, action, actor_user_id)
            VALUES (\(kind), \(id), \(action), \(userID))
            """, logger: logger)
    }

    /// The events of `kind` (and `id` when given), newest first, at most `limit`.
    package func events(kind: String, id: String?, limit: Int) async throws -> [AuditEvent] {
        var out: [AuditEvent] = []
        for try await (eid, k, oid, action, uid, name, sha, at) in try await client.query(
            """
            SELECT e.id, e.object_kind, e.object_id, e.action, e.actor_user_id, u.username, e.commit_sha, e.at
            FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id
            WHERE e.object_kind = \(kind) AND (\(id)::text IS NULL OR e.object_id = \(id))
            ORDER BY e.at DESC, e.id DESC LIMIT \(limit)
            """, logger: logger
        ).decode((Int64, String, String, String, Int64?, String?, String?, Date).self) {
            out.append(
                AuditEvent(
                    id: eid, objectKind: k, objectID: oid, action: action, userID: uid, username: name,
                    commitSHA: sha, at: at))
        }
        return out
    }
}
