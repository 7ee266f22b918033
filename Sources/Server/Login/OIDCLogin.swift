import Foundation
import JWTKit
import Store

/// An OpenID Connect provider's authorization-code flow with PKCE (S256), `state` and `nonce`:
/// endpoints from `<issuer>/.well-known/openid-configuration`, the code exchanged at its token
/// endpoint, and the ID token's signature checked against its JWKS (jwt-kit), then `iss`,
/// `aud`, `exp` and `nonce`. The provider is read afresh at every login (a rotated key is
/// picked up at once).
package struct OIDCLogin: Sendable {
    /// The provider name in `user_identities` and the ALBS path (`/auth/almalinux/...`).
    package static let provider = "almalinux"
    /// Signature algorithms accepted on an ID token (never `none` or an HMAC).
    static let algorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]

    let settings: OIDCLoginSettings
    let http: OutboundHTTP

    package init(settings: OIDCLoginSettings, http: OutboundHTTP = OutboundHTTP()) {
        self.settings = settings
        self.http = http
    }

    /// The provider's endpoints.
    struct Discovery: Decodable {
        var issuer: String
        var authorizationEndpoint: String
        var tokenEndpoint: String
        var jwksURI: String

        enum CodingKeys: String, CodingKey {
            case issuer
            case authorizationEndpoint = "authorization_endpoint"
            case tokenEndpoint = "token_endpoint"
            case jwksURI = "jwks_uri"
        }
    }

    func discovery() async throws -> Discovery {
        let url = trimmed(settings.issuer) + "/.well-known/openid-configuration"
        let answer = try await http.get(url, headers: [("Accept", "application/json")])
        guard answer.status == 200, let document = answer.json(Discovery.self) else {
            throw LoginFailure.providerError("the OIDC discovery document \(url) answered HTTP \(answer.status)")
        }
        guard trimmed(document.issuer) == trimmed(settings.issuer) else {
            throw LoginFailure.providerError(
                "the OIDC discovery document names issuer \(document.issuer), not \(settings.issuer)")
        }
        return document
    }

    /// Where the browser goes to log in.
    package func authorizationURL(_ secrets: LoginSecrets) async throws -> String {
        let endpoints = try await discovery()
        return OutboundHTTP.url(
            endpoints.authorizationEndpoint,
            query: [
                ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", settings.callbackURL),
                ("scope", settings.scopes.joined(separator: " ")), ("state", secrets.state),
                ("nonce", secrets.nonce), ("code_challenge", secrets.codeChallenge),
                ("code_challenge_method", "S256")
            ])
    }

    /// The account behind `code`, its ID token verified; `attempt` holds the PKCE verifier and nonce.
    package func identity(code: String, attempt: LoginAttempt) async throws -> ProviderIdentity {
        let endpoints = try await discovery()
        var headers = [("Accept", "application/json")]
        if !settings.clientSecret.isEmpty {
            let pair =
                "\(OutboundHTTP.percentEncoded(settings.clientID)):\(OutboundHTTP.percentEncoded(settings.clientSecret))"
            headers.append(("Authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
        }
        let answer = try await http.postForm(
            endpoints.tokenEndpoint,
            form: [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.callbackURL),
                ("client_id", settings.clientID), ("code_verifier", attempt.codeVerifier)
            ], headers: headers)
        let token = answer.json(TokenAnswer.self)
        guard answer.status == 200, let idToken = token?.idToken, !idToken.isEmpty else {
            let reason = token?.errorDescription ?? token?.error ?? "HTTP \(answer.status)"
            throw LoginFailure.codeRefused("the OIDC provider refused the code: \(reason)")
        }
        let claims = try await verified(idToken, endpoints: endpoints, nonce: attempt.nonce)
        let login = claims.preferredUsername ?? claims.email.map { String($0.prefix { $0 != "@" }) } ?? ""
        return ProviderIdentity(
            provider: Self.provider, subject: claims.sub.value, login: login, email: claims.email ?? "",
            emailVerified: claims.emailVerified ?? false)
    }

    /// The claims of `idToken` once its signature (JWKS), issuer, audience, expiry and nonce hold.
    func verified(_ idToken: String, endpoints: Discovery, nonce: String) async throws -> IDTokenClaims {
        guard let header = TokenHeader(token: idToken), let alg = header.alg, Self.algorithms.contains(alg) else {
            throw LoginFailure.invalidIDToken("the ID token is not a JWT signed with an accepted algorithm")
        }
        let jwksAnswer = try await http.get(endpoints.jwksURI, headers: [("Accept", "application/json")])
        guard jwksAnswer.status == 200, let jwks = jwksAnswer.json(JWKS.self) else {
            throw LoginFailure.providerError("the OIDC JWKS \(endpoints.jwksURI) answered HTTP \(jwksAnswer.status)")
        }
        let kids = Set(jwks.keys.compactMap { $0.keyIdentifier?.string })
        guard let kid = header.kid, kids.contains(kid) else {
            throw LoginFailure.invalidIDToken("the ID token's key id is not in the provider's JWKS")
        }
        let keys = JWTKeyCollection()
        for key in jwks.keys where key.keyIdentifier?.string == kid {
            do { try await keys.add(jwk: key) } catch {
                throw LoginFailure.providerError("the provider's key \(kid) is unusable: \(error)")
            }
        }
        let claims: IDTokenClaims
        do { claims = try await keys.verify(idToken, as: IDTokenClaims.self) } catch {
            throw LoginFailure.invalidIDToken("the ID token does not verify: \(error)")
        }
        guard trimmed(claims.iss.value) == trimmed(endpoints.issuer) else {
            throw LoginFailure.invalidIDToken("the ID token's issuer is \(claims.iss.value), not \(endpoints.issuer)")
        }
        guard claims.aud.value.contains(settings.clientID) else {
            throw LoginFailure.invalidIDToken("the ID token is not meant for client \(settings.clientID)")
        }
        guard !nonce.isEmpty, claims.nonce == nonce else {
            throw LoginFailure.invalidIDToken("the ID token's nonce does not match this login")
        }
        return claims
    }

    private func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    private struct TokenAnswer: Decodable {
        var idToken: String?
        var error: String?
        var errorDescription: String?

        enum CodingKeys: String, CodingKey {
            case idToken = "id_token"
            case error
            case errorDescription = "error_description"
        }
    }
}

/// The ID-token claims Kiln reads; `exp` is checked while verifying.
struct IDTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var nonce: String?
    var email: String?
    var emailVerified: Bool?
    var preferredUsername: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, nonce, email
        case emailVerified = "email_verified"
        case preferredUsername = "preferred_username"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
