import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import JWTKit
import NIOConcurrencyHelpers
import NIOHTTP1
import PostgresNIO
import Server
import Store
import Testing

/// Issue 14, login: the GitHub OAuth and OpenID Connect round trips against local stand-ins of
/// the providers (`EdgeServer`): the user is created, then updated, and answered with a working
/// `jwt_token`; a wrong or replayed `state` and a tampered ID token change nothing.
@Suite struct LoginFlowTests {
    // MARK: GitHub

    /// GitHub's token, `/user` and `/user/emails` endpoints for one account.
    static func fakeGitHub(login: NIOLockedValueBox<String>) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/login/oauth/access_token") { request, _ -> Response in
            let form = try await EdgeServer.form(request)
            guard form["client_id"] == "gh-client", form["client_secret"] == "gh-secret", form["code"] == "good-code"
            else {
                return try EdgeServer.json([
                    "error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."
                ])
            }
            return try EdgeServer.json(["access_token": "gho_test", "token_type": "bearer", "scope": "read:user"])
        }
        router.get("/user") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer gho_test" else {
                return try EdgeServer.json(["message": "Bad credentials"], status: .unauthorized)
            }
            return try EdgeServer.json(["id": 4242, "login": login.withLockedValue { $0 }, "email": NSNull()])
        }
        router.get("/user/emails") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer gho_test" else {
                return try EdgeServer.json(["message": "Bad credentials"], status: .unauthorized)
            }
            return try EdgeServer.json([
                ["email": "octo-old@example.org", "primary": false, "verified": true],
                ["email": "octo@example.org", "primary": true, "verified": true]
            ])
        }
        return router
    }

    static func query(_ url: String) throws -> [String: String] {
        let components = try #require(URLComponents(string: url))
        return Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    @Test func gitHubLoginRoundTrip() async throws {
        let login = NIOLockedValueBox("octocat")
        try await EdgeServer.with(Self.fakeGitHub(login: login)) { base in
            var settings = ServerSettings()
            settings.login.github = GitHubLoginSettings(
                clientID: "gh-client", clientSecret: "gh-secret", webURL: base, apiURL: base,
                callbackURL: "https://kiln.example.org/api/v1/auth/github/callback")
            try await RouterHarness.with(settings: settings) { h in
                let start = try await h.call(.GET, "/api/v1/auth/github/authorize")
                #expect(start.status == 200)
                let url = try #require(start.object["authorization_url"] as? String)
                #expect(url.hasPrefix(base + "/login/oauth/authorize?"))
                let query = try Self.query(url)
                #expect(query["client_id"] == "gh-client")
                #expect(query["redirect_uri"] == "https://kiln.example.org/api/v1/auth/github/callback")
                let state = try #require(query["state"])
                #expect(state.count >= 40)

                // A wrong state changes nothing, and does not use up the right one.
                let wrong = try await h.call(.GET, "/api/v1/auth/github/callback?code=good-code&state=forged")
                #expect(wrong.status == 400)
                #expect(wrong.detail?.contains("state") == true)
                #expect(try await h.count("SELECT count(*) FROM users") == 0)
                #expect(try await h.count("SELECT count(*) FROM user_identities") == 0)

                let done = try await h.call(.GET, "/api/v1/auth/github/callback?code=good-code&state=\(state)")
                #expect(done.status == 200, "\(done.text)")
                #expect(done.object["username"] as? String == "octocat")
                #expect(done.object["email"] as? String == "octo@example.org")
                #expect(done.object["is_active"] as? Bool == true)
                let token = try #require(done.object["jwt_token"] as? String)
                let claims = try TokenLifecycleTests.payload(token)
                #expect(claims["scope"] as? String == "user")
                #expect(claims["exp"] is Double)
                #expect(try await h.call(.GET, "/api/v1/repositories/", token: token).status == 200)
                #expect(
                    try await h.count(
                        "SELECT count(*) FROM user_identities WHERE provider = 'github' AND subject = '4242'") == 1)

                // The state is used up: the same callback again is refused.
                let replay = try await h.call(.GET, "/api/v1/auth/github/callback?code=good-code&state=\(state)")
                #expect(replay.status == 400)

                // A second login (renamed on GitHub) updates the same user.
                login.withLockedValue { $0 = "octo-renamed" }
                let again = try await h.call(.GET, "/api/v1/auth/github/authorize")
                let state2 = try #require(try Self.query(again.object["authorization_url"] as? String ?? "")["state"])
                let bad = try await h.call(.GET, "/api/v1/auth/github/callback?code=bad-code&state=\(state2)")
                #expect(bad.status == 400)
                #expect(bad.detail?.contains("incorrect") == true)
                let again2 = try await h.call(.GET, "/api/v1/auth/github/authorize")
                let state3 = try #require(try Self.query(again2.object["authorization_url"] as? String ?? "")["state"])
                let second = try await h.call(.GET, "/api/v1/auth/github/callback?code=good-code&state=\(state3)")
                #expect(second.status == 200)
                #expect(second.object["id"] as? Int == done.object["id"] as? Int)
                #expect(second.object["username"] as? String == "octo-renamed")
                #expect(try await h.count("SELECT count(*) FROM users") == 1)

                // A declined login and a missing code are 400 with a detail.
                let declined = try await h.call(.GET, "/api/v1/auth/github/callback?error=access_denied&state=x")
                #expect(declined.status == 400)
                #expect(declined.detail != nil)
                #expect(try await h.call(.GET, "/api/v1/auth/github/callback?state=x").status == 400)
            }
        }
    }

    /// A first login links the one existing user holding the provider-verified email; a
    /// deactivated user's login is 403 with no token.
    @Test func loginLinksAVerifiedEmailAndRefusesADeactivatedUser() async throws {
        try await EdgeServer.with(Self.fakeGitHub(login: NIOLockedValueBox("octocat"))) { base in
            var settings = ServerSettings()
            settings.login.github = GitHubLoginSettings(
                clientID: "gh-client", clientSecret: "gh-secret", webURL: base, apiURL: base)
            try await RouterHarness.with(settings: settings) { h in
                let existing = try await UserStore(client: h.client).upsert(
                    username: "octo-from-cli", email: "OCTO@example.org", isSuperuser: false)
                func login() async throws -> HTTPAnswer {
                    let start = try await h.call(.GET, "/api/v1/auth/github/authorize")
                    let url = try #require(start.object["authorization_url"] as? String)
                    #expect(try Self.query(url)["redirect_uri"] == nil)  // the OAuth app's callback
                    let state = try #require(try Self.query(url)["state"])
                    return try await h.call(.GET, "/api/v1/auth/github/callback?code=good-code&state=\(state)")
                }
                let first = try await login()
                #expect(first.status == 200, "\(first.text)")
                #expect(first.object["id"] as? Int == Int(existing.id))
                #expect(try await h.count("SELECT count(*) FROM users") == 1)

                try await h.client.query("UPDATE users SET is_active = false WHERE id = \(existing.id)")
                let refused = try await login()
                #expect(refused.status == 403)
                #expect(refused.object["jwt_token"] == nil)
                #expect(refused.detail?.contains("deactivated") == true)
            }
        }
    }

    @Test func unconfiguredProvidersAnswer404() async throws {
        try await RouterHarness.with { h in
            for path in [
                "/api/v1/auth/github/authorize", "/api/v1/auth/github/callback?code=a&state=b",
                "/api/v1/auth/almalinux/authorize", "/api/v1/auth/almalinux/callback?code=a&state=b"
            ] {
                let answer = try await h.call(.GET, path)
                #expect(answer.status == 404, "\(path)")
                #expect(answer.detail?.contains("not configured") == true, "\(path)")
            }
        }
    }

    // MARK: OpenID Connect

    /// What the OIDC stand-in remembers between its authorize and token endpoints.
    struct Grant: Sendable {
        var challenge: String
        var nonce: String
        var redirect: String
    }

    struct ProviderState: Sendable {
        var grants: [String: Grant] = [:]
        var tamper = false
        var audience = "kiln-client"
    }

    struct IDToken: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var nonce: String
        var email: String
        var emailVerified: Bool
        var preferredUsername: String

        enum CodingKeys: String, CodingKey {
            case iss, sub, aud, exp, iat, nonce, email
            case emailVerified = "email_verified"
            case preferredUsername = "preferred_username"
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// An OIDC provider: discovery, authorize (records the PKCE challenge and nonce, redirects
    /// with a code), token (checks the verifier, signs an ES256 ID token), JWKS.
    static func fakeOIDC(
        base: NIOLockedValueBox<String>, key: ES256PrivateKey, state: NIOLockedValueBox<ProviderState>
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/.well-known/openid-configuration") { _, _ -> Response in
            let issuer = base.withLockedValue { $0 }
            return try EdgeServer.json([
                "issuer": issuer, "authorization_endpoint": issuer + "/authorize",
                "token_endpoint": issuer + "/token", "jwks_uri": issuer + "/jwks"
            ])
        }
        router.get("/jwks") { _, _ -> Response in
            let parameters = try #require(key.publicKey.parameters)
            return try EdgeServer.json([
                "keys": [
                    ["kty": "EC", "crv": "P-256", "kid": "test-key", "use": "sig", "x": parameters.x, "y": parameters.y]
                ]
            ])
        }
        router.get("/authorize") { request, _ -> Response in
            let query = request.uri.queryParameters
            guard query["code_challenge_method"] == "S256", let challenge = query["code_challenge"],
                let nonce = query["nonce"], let redirect = query["redirect_uri"], let loginState = query["state"]
            else { return try EdgeServer.json(["error": "invalid_request"], status: .badRequest) }
            let code = UUID().uuidString
            state.withLockedValue {
                $0.grants[code] = Grant(challenge: String(challenge), nonce: String(nonce), redirect: String(redirect))
            }
            return Response(
                status: .found, headers: [.location: "\(redirect)?code=\(code)&state=\(loginState)"])
        }
        router.post("/token") { request, _ -> Response in
            let form = try await EdgeServer.form(request)
            let (grant, tamper, audience) = state.withLockedValue { provider in
                (provider.grants.removeValue(forKey: form["code"] ?? ""), provider.tamper, provider.audience)
            }
            guard let grant, form["grant_type"] == "authorization_code", form["redirect_uri"] == grant.redirect,
                request.headers[.authorization] == "Basic " + Data("kiln-client:kiln-secret".utf8).base64EncodedString()
            else { return try EdgeServer.json(["error": "invalid_grant"], status: .badRequest) }
            let verifier = form["code_verifier"] ?? ""
            let challenge = Data(SHA256.hash(data: Array(verifier.utf8))).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            guard challenge == grant.challenge else {
                return try EdgeServer.json(
                    ["error": "invalid_grant", "error_description": "PKCE verification failed"], status: .badRequest)
            }
            let keys = JWTKeyCollection()
            await keys.add(ecdsa: key, kid: "test-key")
            let claims = IDToken(
                iss: IssuerClaim(value: base.withLockedValue { $0 }), sub: "alma-user-7",
                aud: AudienceClaim(value: [audience]), exp: ExpirationClaim(value: Date(timeIntervalSinceNow: 300)),
                iat: IssuedAtClaim(value: Date()), nonce: grant.nonce, email: "alma@example.org",
                emailVerified: true, preferredUsername: "alma")
            var idToken = try await keys.sign(claims, kid: "test-key")
            if tamper {
                var parts = idToken.split(separator: ".").map(String.init)
                var payload = try TokenLifecycleTests.payload(idToken)
                payload["preferred_username"] = "root"
                parts[1] = try JSONSerialization.data(withJSONObject: payload).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                    .replacingOccurrences(of: "=", with: "")
                idToken = parts.joined(separator: ".")
            }
            return try EdgeServer.json(["access_token": "at", "token_type": "Bearer", "id_token": idToken])
        }
        return router
    }

    @Test func oidcLoginRoundTripAndATamperedIDToken() async throws {
        let base = NIOLockedValueBox("")
        let provider = NIOLockedValueBox(ProviderState())
        let key = ES256PrivateKey()
        try await EdgeServer.with(Self.fakeOIDC(base: base, key: key, state: provider)) { url in
            base.withLockedValue { $0 = url }
            var settings = ServerSettings()
            settings.login.oidc = OIDCLoginSettings(
                issuer: url, clientID: "kiln-client", clientSecret: "kiln-secret",
                callbackURL: "https://kiln.example.org/api/v1/auth/almalinux/callback")
            try await RouterHarness.with(settings: settings) { h in
                // The tampered ID token: 401, nothing created.
                provider.withLockedValue { $0.tamper = true }
                let tamperedPath = try await Self.callbackPath(h)
                let tampered = try await h.call(.GET, tamperedPath)
                #expect(tampered.status == 401, "\(tampered.text)")
                #expect(tampered.detail?.contains("ID token") == true)
                #expect(try await h.count("SELECT count(*) FROM users") == 0)

                // An ID token for another client: 401.
                provider.withLockedValue {
                    $0.tamper = false
                    $0.audience = "another-client"
                }
                let foreign = try await h.call(.GET, try await Self.callbackPath(h))
                #expect(foreign.status == 401)
                #expect(try await h.count("SELECT count(*) FROM users") == 0)

                // The real thing.
                provider.withLockedValue { $0.audience = "kiln-client" }
                let path = try await Self.callbackPath(h)
                let wrongState = path.replacingOccurrences(of: "state=", with: "state=x")
                #expect(try await h.call(.GET, wrongState).status == 400)
                let done = try await h.call(.GET, path)
                #expect(done.status == 200, "\(done.text)")
                #expect(done.object["username"] as? String == "alma")
                #expect(done.object["email"] as? String == "alma@example.org")
                let token = try #require(done.object["jwt_token"] as? String)
                #expect(try await h.call(.GET, "/api/v1/repositories/", token: token).status == 200)
                #expect(
                    try await h.count(
                        "SELECT count(*) FROM user_identities WHERE provider = 'almalinux' AND subject = 'alma-user-7'")
                        == 1)
                #expect(try await h.call(.GET, path).status == 400)  // the state is used up
            }
        }
    }

    /// authorize at Kiln, then the provider's authorize endpoint: the callback path (with code and state).
    static func callbackPath(_ h: RouterHarness) async throws -> String {
        let start = try await h.call(.GET, "/api/v1/auth/almalinux/authorize")
        #expect(start.status == 200, "\(start.text)")
        let url = try #require(start.object["authorization_url"] as? String)
        let query = try query(url)
        #expect(query["code_challenge_method"] == "S256")
        #expect(query["nonce"]?.isEmpty == false)
        #expect(query["client_id"] == "kiln-client")
        let location = try await Self.location(of: url)
        let callback = try #require(URLComponents(string: location))
        #expect(callback.path == "/api/v1/auth/almalinux/callback")
        return callback.path + "?" + (callback.percentEncodedQuery ?? "")
    }

    /// The `Location` a GET of `url` answers (the browser's step at the provider; no redirect followed).
    static func location(of url: String) async throws -> String {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            try await client.shutdown()
            #expect(response.status.code == 302)
            return try #require(response.headers.first(name: "Location"))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
