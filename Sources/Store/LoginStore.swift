import Foundation
import Logging
import PostgresNIO

/// The secrets a login under way keeps server-side until its callback (`login_attempts`).
package struct LoginAttempt: Sendable, Equatable {
    /// The PKCE `code_verifier` (empty for GitHub).
    package var codeVerifier: String
    /// The OIDC `nonce` the ID token must carry (empty for GitHub).
    package var nonce: String

    package init(codeVerifier: String = "", nonce: String = "") {
        self.codeVerifier = codeVerifier
        self.nonce = nonce
    }
}

/// `login_attempts` (migration 0052): one row per `state` handed out, consumed once.
package struct LoginStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.login")) {
        self.client = client
        self.logger = logger
    }

    /// Records a login of `provider` started with `state`, valid for `lifetime`; sweeps expired ones.
    package func begin(state: String, provider: String, attempt: LoginAttempt, lifetime: Duration) async throws {
        let seconds = Double(lifetime.components.seconds)
        try await client.query("DELETE FROM login_attempts WHERE expires_at < now()", logger: logger)
        try await client.query(
            """
            INSERT INTO login_attempts (state_hash, provider, code_verifier, nonce, expires_at)
            VALUES (encode(sha256(convert_to(\(state), 'UTF8')), 'hex'), \(provider),
                    \(attempt.codeVerifier), \(attempt.nonce), now() + make_interval(secs => \(seconds)))
            """, logger: logger)
    }

    /// The attempt `state` names for `provider`, deleted as it is read; nil when unknown, used,
    /// expired, or started for another provider.
    package func consume(state: String, provider: String) async throws -> LoginAttempt? {
        let rows = try await client.query(
            """
            DELETE FROM login_attempts
            WHERE state_hash = encode(sha256(convert_to(\(state), 'UTF8')), 'hex')
            RETURNING provider, code_verifier, nonce, expires_at > now()
            """, logger: logger)
        for try await (owner, verifier, nonce, current) in rows.decode((String, String, String, Bool).self) {
            guard owner == provider, current else { return nil }
            return LoginAttempt(codeVerifier: verifier, nonce: nonce)
        }
        return nil
    }
}
