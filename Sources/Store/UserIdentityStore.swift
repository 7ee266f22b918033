import Logging
import PostgresNIO

/// Who a login provider says logged in.
package struct ProviderIdentity: Sendable, Equatable {
    /// `github` or `almalinux` (the OIDC provider).
    package var provider: String
    /// The provider's stable account id (GitHub's user id, the OIDC `sub`).
    package var subject: String
    /// The login name (GitHub's `login`, the OIDC `preferred_username`).
    package var login: String
    /// The account's email ("" when none).
    package var email: String
    /// Whether the provider verified `email` (only then may it link an existing Kiln user).
    package var emailVerified: Bool

    package init(provider: String, subject: String, login: String, email: String, emailVerified: Bool) {
        self.provider = provider
        self.subject = subject
        self.login = login
        self.email = email
        self.emailVerified = emailVerified
    }
}

/// A user as a login finds it.
package struct LoginUser: Sendable, Equatable {
    package var user: UserRecord
    package var isActive: Bool
}

/// `user_identities` (migration 0051): a login creates or updates the user and its identity.
package struct UserIdentityStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.login")) {
        self.client = client
        self.logger = logger
    }

    /// The user `identity` logs in as, in one transaction: the user already linked to it (its
    /// email and, when free, its username follow the provider's); else the one user holding the
    /// provider-verified email; else a new user named after the login (`login-provider`, then a
    /// number, when the name is taken).
    package func login(_ identity: ProviderIdentity) async throws -> LoginUser {
        try await client.withTransaction(logger: logger) { connection in
            let userID: Int64
            if let linked = try await linkedUser(identity, connection) {
                userID = linked
                try await connection.query(
                    """
                    UPDATE users SET
                        email = CASE WHEN \(identity.email) = '' THEN email ELSE \(identity.email) END,
                        username = CASE WHEN \(identity.login) = '' OR EXISTS (
                            SELECT 1 FROM users other WHERE other.username = \(identity.login) AND other.id <> \(linked)
                        ) THEN username ELSE \(identity.login) END
                    WHERE id = \(linked)
                    """, logger: logger)
                try await connection.query(
                    """
                    UPDATE user_identities SET login = \(identity.login), email = \(identity.email),
                        last_login_at = now()
                    WHERE provider = \(identity.provider) AND subject = \(identity.subject)
                    """, logger: logger)
            } else {
                userID = try await newOrEmailUser(identity, connection)
                try await connection.query(
                    """
                    INSERT INTO user_identities (provider, subject, user_id, login, email)
                    VALUES (\(identity.provider), \(identity.subject), \(userID), \(identity.login), \(identity.email))
                    """, logger: logger)
            }
            let rows = try await connection.query(
                "SELECT id, username, email, is_superuser, is_active FROM users WHERE id = \(userID)", logger: logger)
            for try await (id, name, mail, superuser, active) in rows.decode((Int64, String, String, Bool, Bool).self) {
                return LoginUser(
                    user: UserRecord(id: id, username: name, email: mail, isSuperuser: superuser), isActive: active)
            }
            throw BuildStoreError.invalid("user \(userID) vanished during the login")
        }
    }

    /// The provider identities of user `id`: (provider, subject) pairs.
    package func identities(ofUser id: Int64) async throws -> [(provider: String, subject: String)] {
        let rows = try await client.query(
            "SELECT provider, subject FROM user_identities WHERE user_id = \(id) ORDER BY provider, subject",
            logger: logger)
        var found: [(String, String)] = []
        for try await row in rows.decode((String, String).self) { found.append(row) }
        return found
    }

    private func linkedUser(_ identity: ProviderIdentity, _ connection: PostgresConnection) async throws -> Int64? {
        let rows = try await connection.query(
            """
            SELECT user_id FROM user_identities
            WHERE provider = \(identity.provider) AND subject = \(identity.subject) FOR UPDATE
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }

    private func newOrEmailUser(_ identity: ProviderIdentity, _ connection: PostgresConnection) async throws -> Int64 {
        if identity.emailVerified && !identity.email.isEmpty {
            let rows = try await connection.query(
                "SELECT id FROM users WHERE lower(email) = lower(\(identity.email)) ORDER BY id LIMIT 2",
                logger: logger)
            var ids: [Int64] = []
            for try await id in rows.decode(Int64.self) { ids.append(id) }
            if ids.count == 1, let id = ids.first { return id }
        }
        let base = identity.login.isEmpty ? "\(identity.provider)-\(identity.subject)" : identity.login
        for candidate in [base, "\(base)-\(identity.provider)"] + (2...20).map({ "\(base)-\(identity.provider)-\($0)" })
        {
            let rows = try await connection.query(
                """
                INSERT INTO users (username, email) VALUES (\(candidate), \(identity.email))
                ON CONFLICT (username) DO NOTHING RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
        }
        throw BuildStoreError.invalid("no free username for \(base)")
    }
}
