import Foundation

/// What a bearer token allows: a packager (`user`), a build node (`node`), or an administrator.
package enum AuthScope: String, Codable, Sendable, CaseIterable {
    case user
    case node
    case admin
    /// An ALBS sign node (`kiln token create --sign-node NAME`): the sign-task endpoints only.
    case signNode = "sign_node"
    /// The ALBS test system, ALTS (`kiln token create --test-system NAME`): pulls test tasks and
    /// posts their results.
    case testSystem = "test_system"
}

/// The authenticated caller of a request, taken from a verified JWT.
package struct Identity: Sendable, Equatable {
    /// The token subject: a user name or a node name.
    package var subject: String
    package var scope: AuthScope
    /// The `users.id` row for user and admin tokens.
    package var userID: Int64?
    /// The token's id (`jti`): what logout and `kiln token revoke` revoke.
    package var tokenID: String?
    /// When the token expires.
    package var expiresAt: Date?

    package init(
        subject: String, scope: AuthScope, userID: Int64? = nil, tokenID: String? = nil, expiresAt: Date? = nil
    ) {
        self.subject = subject
        self.scope = scope
        self.userID = userID
        self.tokenID = tokenID
        self.expiresAt = expiresAt
    }
}
