import Foundation
import Store

/// GitHub's OAuth web flow: the authorize URL, then the code exchanged at
/// `<web>/login/oauth/access_token`, and the account read from `<api>/user` and `<api>/user/emails`.
package struct GitHubLogin: Sendable {
    /// ALBS asks for these scopes.
    static let scopes = "read:user user:email read:org"

    let settings: GitHubLoginSettings
    let http: OutboundHTTP

    package init(settings: GitHubLoginSettings, http: OutboundHTTP = OutboundHTTP()) {
        self.settings = settings
        self.http = http
    }

    /// Where the browser goes to log in.
    package func authorizationURL(state: String) -> String {
        var query = [("client_id", settings.clientID), ("scope", Self.scopes), ("state", state)]
        if let callback = settings.callbackURL { query.append(("redirect_uri", callback)) }
        return OutboundHTTP.url(trimmed(settings.webURL) + "/login/oauth/authorize", query: query)
    }

    /// The GitHub account behind `code`.
    package func identity(code: String) async throws -> ProviderIdentity {
        var form = [("client_id", settings.clientID), ("client_secret", settings.clientSecret), ("code", code)]
        if let callback = settings.callbackURL { form.append(("redirect_uri", callback)) }
        let answer = try await http.postForm(
            trimmed(settings.webURL) + "/login/oauth/access_token", form: form,
            headers: [("Accept", "application/json")])
        let token = answer.json(TokenAnswer.self)
        guard answer.status == 200, let accessToken = token?.accessToken, !accessToken.isEmpty else {
            let reason = token?.errorDescription ?? token?.error ?? "HTTP \(answer.status)"
            throw LoginFailure.codeRefused("GitHub refused the code: \(reason)")
        }
        let headers = [
            ("Authorization", "Bearer \(accessToken)"), ("Accept", "application/vnd.github+json"),
            ("X-GitHub-Api-Version", "2022-11-28")
        ]
        let userAnswer = try await http.get(trimmed(settings.apiURL) + "/user", headers: headers)
        guard userAnswer.status == 200, let user = userAnswer.json(User.self), !user.login.isEmpty else {
            throw LoginFailure.providerError("GitHub's /user answered HTTP \(userAnswer.status)")
        }
        let emailsAnswer = try await http.get(trimmed(settings.apiURL) + "/user/emails", headers: headers)
        let emails = emailsAnswer.status == 200 ? emailsAnswer.json([Email].self) ?? [] : []
        let chosen =
            emails.first { $0.primary == true && $0.verified == true } ?? emails.first { $0.verified == true }
        let email = chosen?.email ?? user.email ?? ""
        return ProviderIdentity(
            provider: "github", subject: String(user.id), login: user.login, email: email,
            emailVerified: chosen != nil)
    }

    private func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    private struct TokenAnswer: Decodable {
        var accessToken: String?
        var error: String?
        var errorDescription: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case error
            case errorDescription = "error_description"
        }
    }

    private struct User: Decodable {
        var id: Int64
        var login: String
        var email: String?
    }

    private struct Email: Decodable {
        var email: String
        var primary: Bool?
        var verified: Bool?
    }
}

/// Why a login did not complete (mapped to 400/401/502 by the routes).
package enum LoginFailure: Error, Equatable, CustomStringConvertible {
    /// The provider refused the code (wrong, used or expired): 400.
    case codeRefused(String)
    /// The provider's answer was not what the protocol says: 502.
    case providerError(String)
    /// The ID token failed a check (signature, issuer, audience, expiry, nonce): 401.
    case invalidIDToken(String)

    package var description: String {
        switch self {
        case .codeRefused(let text), .providerError(let text), .invalidIDToken(let text): text
        }
    }
}
