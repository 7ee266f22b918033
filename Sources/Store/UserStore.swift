import Logging
import PostgresNIO

/// A row of `users`.
package struct UserRecord: Sendable, Equatable {
    package var id: Int64
    package var username: String
    package var email: String
    package var isSuperuser: Bool
}

/// Queries on `users`.
package struct UserStore: Sendable {
    let client: PostgresClient

    package init(client: PostgresClient) {
        self.client = client
    }

    /// Creates the user, or updates its email and superuser flag when it exists.
    package func upsert(username: String, email: String, isSuperuser: Bool) async throws -> UserRecord {
        let rows = try await client.query(
            """
            INSERT INTO users (username, email, is_superuser) VALUES (\(username), \(email), \(isSuperuser))
            ON CONFLICT (username) DO UPDATE SET email = EXCLUDED.email, is_superuser = EXCLUDED.is_superuser
            RETURNING id, username, email, is_superuser
            """)
        for try await (id, name, mail, superuser) in rows.decode((Int64, String, String, Bool).self) {
            return UserRecord(id: id, username: name, email: mail, isSuperuser: superuser)
        }
        throw BuildStoreError.invalid("user \(username) was not written")
    }

    /// The user with `id`, nil when absent.
    package func user(id: Int64) async throws -> UserRecord? {
        let rows = try await client.query("SELECT id, username, email, is_superuser FROM users WHERE id = \(id)")
        for try await (id, name, mail, superuser) in rows.decode((Int64, String, String, Bool).self) {
            return UserRecord(id: id, username: name, email: mail, isSuperuser: superuser)
        }
        return nil
    }
}
