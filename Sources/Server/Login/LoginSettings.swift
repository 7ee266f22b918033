/// GitHub OAuth (`KILN_GITHUB_*`): the OAuth app's client and where GitHub lives.
package struct GitHubLoginSettings: Sendable, Equatable {
    package var clientID: String
    package var clientSecret: String
    /// The web host of the authorize and token endpoints (`https://github.com`).
    package var webURL: String
    /// The REST API (`https://api.github.com`): `/user`, `/user/emails`.
    package var apiURL: String
    /// The `redirect_uri` sent to GitHub; nil: the OAuth app's registered callback.
    package var callbackURL: String?

    package static let defaultWebURL = "https://github.com"
    package static let defaultAPIURL = "https://api.github.com"

    package init(
        clientID: String, clientSecret: String, webURL: String = GitHubLoginSettings.defaultWebURL,
        apiURL: String = GitHubLoginSettings.defaultAPIURL, callbackURL: String? = nil
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.webURL = webURL
        self.apiURL = apiURL
        self.callbackURL = callbackURL
    }
}

/// An OpenID Connect provider (`KILN_OIDC_*`): the issuer whose discovery document names the
/// endpoints, the client, and Kiln's callback.
package struct OIDCLoginSettings: Sendable, Equatable {
    /// The issuer URL; `<issuer>/.well-known/openid-configuration` is its discovery document.
    package var issuer: String
    package var clientID: String
    package var clientSecret: String
    /// Kiln's `.../api/v1/auth/almalinux/callback` as registered with the provider.
    package var callbackURL: String
    package var scopes: [String]

    package static let defaultScopes = ["openid", "profile", "email"]

    package init(
        issuer: String, clientID: String, clientSecret: String, callbackURL: String,
        scopes: [String] = OIDCLoginSettings.defaultScopes
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.callbackURL = callbackURL
        self.scopes = scopes
    }
}

/// Login through GitHub and an OIDC provider; a provider left nil answers 404 on its routes.
package struct LoginSettings: Sendable, Equatable {
    package var github: GitHubLoginSettings?
    package var oidc: OIDCLoginSettings?
    /// How long a started login (its `state`) may take to come back (`KILN_LOGIN_TIMEOUT`).
    package var attemptLifetime: Duration

    package static let defaultAttemptLifetime: Duration = .seconds(600)

    package init(
        github: GitHubLoginSettings? = nil, oidc: OIDCLoginSettings? = nil,
        attemptLifetime: Duration = LoginSettings.defaultAttemptLifetime
    ) {
        self.github = github
        self.oidc = oidc
        self.attemptLifetime = attemptLifetime
    }
}
