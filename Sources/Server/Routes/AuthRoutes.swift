import Foundation
import Hummingbird
import Store

/// `/api/v1/auth`: login through GitHub (`/github/authorize`, `/github/callback`) and an OpenID
/// Connect provider (`/almalinux/authorize`, `/almalinux/callback`), both public; `POST /logout`
/// (any token) revokes the token it is called with.
///
/// `authorize` stores the login's `state` (and the OIDC PKCE verifier and nonce) in
/// `login_attempts` and answers the provider URL; the callback consumes that row (one use: a
/// wrong, replayed or expired `state` is 400 and nothing is created), asks the provider who
/// logged in, creates or updates the user and its identity, and answers the user with a
/// user-scope `jwt_token`.
func addAuthRoutes(to auth: RouterGroup<KilnRequestContext>, dependencies: ServerDependencies) {
    let flow = LoginFlow(dependencies: dependencies)

    auth.get("github/authorize") { _, _ -> AuthorizeAnswer in
        let github = try flow.github()
        let secrets = LoginSecrets.random()
        try await flow.begin(provider: "github", secrets: secrets, pkce: false)
        return AuthorizeAnswer(authorizationURL: github.authorizationURL(state: secrets.state))
    }

    auth.get("github/callback") { request, _ -> LoginAnswer in
        let github = try flow.github()
        let (code, state) = try flow.callbackParameters(request, provider: "GitHub")
        _ = try await flow.consume(provider: "github", state: state)
        let identity = try await flow.ask { try await github.identity(code: code) }
        return try await flow.complete(identity)
    }

    auth.get("almalinux/authorize") { _, _ -> AuthorizeAnswer in
        let oidc = try flow.oidc()
        let secrets = LoginSecrets.random()
        let url = try await flow.ask { try await oidc.authorizationURL(secrets) }
        try await flow.begin(provider: OIDCLogin.provider, secrets: secrets, pkce: true)
        return AuthorizeAnswer(authorizationURL: url)
    }

    auth.get("almalinux/callback") { request, _ -> LoginAnswer in
        let oidc = try flow.oidc()
        let (code, state) = try flow.callbackParameters(request, provider: "The OIDC provider")
        let attempt = try await flow.consume(provider: OIDCLogin.provider, state: state)
        let identity = try await flow.ask { try await oidc.identity(code: code, attempt: attempt) }
        return try await flow.complete(identity)
    }

    auth.post("logout") { _, context -> UserOpResultAnswer in
        let identity = try context.caller()
        guard let tokenID = identity.tokenID else {
            throw APIError(.unauthorized, "This token carries no id and cannot be revoked")
        }
        try await TokenRevocationStore(client: dependencies.currentDatabase, logger: dependencies.logger).revoke(
            tokenID: tokenID, subject: identity.subject, expiresAt: identity.expiresAt, reason: "logout")
        dependencies.tokens.forget(tokenID: tokenID)
        return UserOpResultAnswer(success: true, message: "token \(tokenID) revoked")
    }
}

/// The steps both login flows share.
struct LoginFlow: Sendable {
    let dependencies: ServerDependencies

    func github() throws -> GitHubLogin {
        guard let settings = dependencies.settings.login.github else {
            throw APIError(.notFound, "GitHub login is not configured: set KILN_GITHUB_CLIENT_ID")
        }
        return GitHubLogin(settings: settings)
    }

    func oidc() throws -> OIDCLogin {
        guard let settings = dependencies.settings.login.oidc else {
            throw APIError(
                .notFound,
                "OIDC login is not configured: set KILN_OIDC_ISSUER, KILN_OIDC_CLIENT_ID and KILN_OIDC_CALLBACK_URL")
        }
        return OIDCLogin(settings: settings)
    }

    /// `code` and `state` of a callback; the provider's `error` (the user declined) is a 400.
    func callbackParameters(_ request: Request, provider: String) throws -> (code: String, state: String) {
        let query = request.uri.queryParameters
        if let error = query["error"] {
            let reason = query["error_description"].map(String.init) ?? String(error)
            throw APIError(.badRequest, "\(provider) did not log you in: \(String(reason.prefix(200)))")
        }
        guard let code = query["code"].map(String.init), !code.isEmpty else {
            throw APIError(.badRequest, "The callback needs the code parameter")
        }
        guard let state = query["state"].map(String.init), !state.isEmpty else {
            throw APIError(.badRequest, "The callback needs the state parameter")
        }
        try InputCheck.text(code, "code", maxLength: 2048)
        try InputCheck.text(state, "state", maxLength: 512)
        return (code, state)
    }

    func begin(provider: String, secrets: LoginSecrets, pkce: Bool) async throws {
        let attempt = pkce ? LoginAttempt(codeVerifier: secrets.codeVerifier, nonce: secrets.nonce) : LoginAttempt()
        try await LoginStore(client: dependencies.currentDatabase, logger: dependencies.logger).begin(
            state: secrets.state, provider: provider, attempt: attempt,
            lifetime: dependencies.settings.login.attemptLifetime)
    }

    /// The login `state` started, removed as it is read; 400 when unknown, used or expired.
    func consume(provider: String, state: String) async throws -> LoginAttempt {
        let store = LoginStore(client: dependencies.currentDatabase, logger: dependencies.logger)
        guard let attempt = try await store.consume(state: state, provider: provider) else {
            throw APIError(
                .badRequest, "Invalid login state: unknown, already used or expired; start again at authorize")
        }
        return attempt
    }

    /// Runs a provider call, mapping its failures: a refused code 400, a bad ID token 401, a
    /// provider unreachable or answering nonsense 502.
    func ask<T: Sendable>(_ call: () async throws -> T) async throws -> T {
        do { return try await call() } catch let failure as LoginFailure {
            switch failure {
            case .codeRefused(let text): throw APIError(.badRequest, text)
            case .invalidIDToken(let text): throw APIError(.unauthorized, "Invalid ID token: \(text)")
            case .providerError(let text): throw APIError(.badGateway, text)
            }
        } catch let unreachable as OutboundHTTP.Unreachable {
            throw APIError(.badGateway, "\(unreachable)")
        }
    }

    /// Creates or updates the user of `identity` and answers it with a user-scope token.
    func complete(_ identity: ProviderIdentity) async throws -> LoginAnswer {
        try InputCheck.text(identity.login, "login", maxLength: InputCheck.nameLength)
        try InputCheck.text(identity.email, "email", maxLength: InputCheck.nameLength)
        try InputCheck.text(identity.subject, "subject", maxLength: InputCheck.nameLength, empty: false)
        let user = try await UserIdentityStore(client: dependencies.currentDatabase, logger: dependencies.logger)
            .login(identity)
        guard user.isActive else { throw APIError(.forbidden, "User \(user.user.username) is deactivated") }
        let token = try await dependencies.tokens.issue(
            KilnClaims(sub: user.user.username, scope: .user, uid: user.user.id))
        return LoginAnswer(user, token: token)
    }
}
