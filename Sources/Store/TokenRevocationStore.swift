import Foundation
import Logging
import PostgresNIO

/// What the revocation check needs from PostgreSQL: the ids of revoked, unexpired tokens and
/// the ids of inactive users.
package struct RevocationSnapshot: Sendable, Equatable {
    package var tokenIDs: Set<String>
    package var inactiveUserIDs: Set<Int64>

    package init(tokenIDs: Set<String> = [], inactiveUserIDs: Set<Int64> = []) {
        self.tokenIDs = tokenIDs
        self.inactiveUserIDs = inactiveUserIDs
    }
}

/// One message on the `kiln_revocations` channel: `token:<jti>` or `user:<id>`.
package enum RevocationNotice: Sendable, Equatable {
    case token(String)
    case user(Int64)

    /// The notice a NOTIFY payload carries, nil for anything else.
    package init?(payload: String) {
        if payload.hasPrefix("token:") {
            let id = String(payload.dropFirst("token:".count))
            guard !id.isEmpty else { return nil }
            self = .token(id)
        } else if payload.hasPrefix("user:"), let id = Int64(payload.dropFirst("user:".count)) {
            self = .user(id)
        } else {
            return nil
        }
    }

    /// The NOTIFY payload of this notice.
    package var payload: String {
        switch self {
        case .token(let id): "token:\(id)"
        case .user(let id): "user:\(id)"
        }
    }
}

/// `token_revocations` (migration 0050) and the `kiln_revocations` channel.
///
///     try await TokenRevocationStore(client: client).revoke(tokenID: jti, subject: "alice", expiresAt: exp)
///
/// A revocation is written and announced in one statement: the NOTIFY is delivered when it commits.
package struct TokenRevocationStore: Sendable {
    /// The LISTEN/NOTIFY channel every Kiln process listens on.
    package static let channel = "kiln_revocations"

    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.revocations")) {
        self.client = client
        self.logger = logger
    }

    /// Records `tokenID` as revoked (again: no change) and notifies every process.
    package func revoke(tokenID: String, subject: String, expiresAt: Date?, reason: String) async throws {
        try await client.query(
            """
            WITH revoked AS (
                INSERT INTO token_revocations (jti, subject, expires_at, reason)
                VALUES (\(tokenID), \(subject), \(expiresAt), \(reason))
                ON CONFLICT (jti) DO NOTHING
            )
            SELECT pg_notify(\(Self.channel), \(RevocationNotice.token(tokenID).payload))
            """, logger: logger)
    }

    /// Tells every process to re-read `users.is_active` of `userID` (after a deactivation).
    package func announceUserChange(_ userID: Int64) async throws {
        try await client.query(
            "SELECT pg_notify(\(Self.channel), \(RevocationNotice.user(userID).payload))", logger: logger)
    }

    /// Whether `tokenID` is recorded as revoked.
    package func isRevoked(tokenID: String) async throws -> Bool {
        let rows = try await client.query(
            "SELECT 1 FROM token_revocations WHERE jti = \(tokenID)", logger: logger)
        for try await _ in rows.decode(Int32.self) { return true }
        return false
    }

    /// Revoked tokens that have not expired, and inactive users.
    package func snapshot() async throws -> RevocationSnapshot {
        var snapshot = RevocationSnapshot()
        let tokens = try await client.query(
            "SELECT jti FROM token_revocations WHERE expires_at IS NULL OR expires_at > now()", logger: logger)
        for try await jti in tokens.decode(String.self) { snapshot.tokenIDs.insert(jti) }
        let users = try await client.query("SELECT id FROM users WHERE NOT is_active", logger: logger)
        for try await id in users.decode(Int64.self) { snapshot.inactiveUserIDs.insert(id) }
        return snapshot
    }

    /// Whether user `id` exists and is active.
    package func isActive(userID: Int64) async throws -> Bool {
        let rows = try await client.query("SELECT is_active FROM users WHERE id = \(userID)", logger: logger)
        for try await active in rows.decode(Bool.self) { return active }
        return false
    }

    /// Listens on ``channel`` on one connection of the pool: `ready` runs once the LISTEN is in
    /// place (a full reload there misses nothing), then `notice` for every message, until the
    /// connection ends (it throws) or the task is cancelled.
    package func listen(
        ready: @Sendable () async throws -> Void, notice: @Sendable (RevocationNotice) async -> Void
    ) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: Self.channel) { notifications in
                try await ready()
                for try await notification in notifications {
                    if let parsed = RevocationNotice(payload: notification.payload) { await notice(parsed) }
                }
            }
        }
    }
}
