import Logging
import PostgresNIO

/// A row of `users`.
package struct UserRecord: Sendable, Equatable, Hashable {
    package var id: Int64
    package var username: String
    package var email: String
    package var isSuperuser: Bool
    package var isActive: Bool

    package init(id: Int64, username: String, email: String, isSuperuser: Bool, isActive: Bool = true) {
        self.id = id
        self.username = username
        self.email = email
        self.isSuperuser = isSuperuser
        self.isActive = isActive
    }
}

/// What `PUT /api/v1/users/{id}` may change (nil: unchanged).
package struct UserUpdate: Sendable, Equatable {
    package var isActive: Bool?
    package var isSuperuser: Bool?

    package init(isActive: Bool? = nil, isSuperuser: Bool? = nil) {
        self.isActive = isActive
        self.isSuperuser = isSuperuser
    }
}

/// Queries on `users`.
package struct UserStore: Sendable {
    let client: PostgresClient
    var logger = Logger(label: "kiln.users")

    /// The channel a deactivation is announced on (`user:<id>`), in the deactivating transaction:
    /// token revocation caches listen to it.
    package static let revocationChannel = "kiln_revocations"

    package init(client: PostgresClient) {
        self.client = client
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [UserRecord] {
        var out: [UserRecord] = []
        for try await (id, name, mail, superuser, active) in rows.decode((Int64, String, String, Bool, Bool).self) {
            out.append(UserRecord(id: id, username: name, email: mail, isSuperuser: superuser, isActive: active))
        }
        return out
    }

    /// Creates the user, or updates its email and superuser flag when it exists.
    package func upsert(username: String, email: String, isSuperuser: Bool) async throws -> UserRecord {
        let rows = try await client.query(
            """
            INSERT INTO users (username, email, is_superuser) VALUES (\(username), \(email), \(isSuperuser))
            ON CONFLICT (username) DO UPDATE SET email = EXCLUDED.email, is_superuser = EXCLUDED.is_superuser
            RETURNING id, username, email, is_superuser, is_active
            """)
        guard let user = try await Self.records(rows).first else {
            throw BuildStoreError.invalid("user \(username) was not written")
        }
        return user
    }

    /// The user with `id`, nil when absent.
    package func user(id: Int64) async throws -> UserRecord? {
        try await Self.records(
            client.query("SELECT id, username, email, is_superuser, is_active FROM users WHERE id = \(id)")
        )
        .first
    }

    /// Every user, by id.
    package func all() async throws -> [UserRecord] {
        try await Self.records(
            client.query("SELECT id, username, email, is_superuser, is_active FROM users ORDER BY id"))
    }

    /// Applies `update` to user `id` and records it in `audit_events` as done by `actor`, in one
    /// transaction; a deactivation also sends `NOTIFY kiln_revocations, 'user:<id>'` in it.
    /// Nil when there is no such user.
    package func update(id: Int64, _ update: UserUpdate, actor: Int64?) async throws -> UserRecord? {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { conn -> UserRecord? in
            let rows = try await conn.query(
                """
                UPDATE users SET is_active = COALESCE(\(update.isActive), is_active),
                  is_superuser = COALESCE(\(update.isSuperuser), is_superuser)
                WHERE id = \(id) RETURNING id, username, email, is_superuser, is_active
                """, logger: logger)
            var user: UserRecord?
            for try await (uid, name, mail, superuser, active) in rows.decode((Int64, String, String, Bool, Bool).self)
            {
                user = UserRecord(id: uid, username: name, email: mail, isSuperuser: superuser, isActive: active)
            }
            guard let user else { return nil }
            var changes: [String] = []
            if let active = update.isActive { changes.append(active ? "activate" : "deactivate") }
            if let superuser = update.isSuperuser { changes.append(superuser ? "make_superuser" : "make_usual_user") }
            for action in changes {
                try await AuditStore.record(
                    kind: "user", id: String(id), action: action, userID: actor, on: conn, logger: logger)
            }
            if update.isActive == false {
                try await conn.query(
                    "SELECT pg_notify(\(Self.revocationChannel), \("user:\(id)"))", logger: logger)
            }
            return user
        }
    }
}
