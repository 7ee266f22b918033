/// How long a token lives when its issuer names no expiry, per scope (`KILN_TOKEN_LIFETIME_*`).
/// Every token Kiln issues expires.
package struct TokenLifetimes: Sendable, Equatable {
    package var user: Duration
    package var admin: Duration
    package var node: Duration
    package var signNode: Duration
    package var testSystem: Duration

    /// 7 days for users, 1 day for admins, 365 days for build nodes, sign nodes and the test system.
    package static let defaults = TokenLifetimes(
        user: .seconds(7 * 86_400), admin: .seconds(86_400), node: .seconds(365 * 86_400),
        signNode: .seconds(365 * 86_400), testSystem: .seconds(365 * 86_400))

    package init(user: Duration, admin: Duration, node: Duration, signNode: Duration, testSystem: Duration) {
        self.user = user
        self.admin = admin
        self.node = node
        self.signNode = signNode
        self.testSystem = testSystem
    }

    /// The default lifetime of a token of `scope`.
    package func lifetime(of scope: AuthScope) -> Duration {
        switch scope {
        case .user: user
        case .admin: admin
        case .node: node
        case .signNode: signNode
        case .testSystem: testSystem
        }
    }
}
