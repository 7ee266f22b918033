import Spec

/// The login, logout and projects routes (`AuthRoutes`, `ProjectRoutes`): ALBS paths.
extension OpenAPIOperation {
    private static func op(
        _ method: String, _ path: String, _ id: String, tag: String, _ summary: String, scopes: [AuthScope] = [],
        parameters: [Parameter] = [], _ responses: [Answer]
    ) -> OpenAPIOperation {
        OpenAPIOperation(
            method: method, path: path, id: id, tag: tag, summary: summary, scopes: scopes,
            parameters: parameters, body: nil, bodyExample: nil, responses: responses)
    }

    private static func callbackParameters(_ provider: String) -> [Parameter] {
        [
            Parameter(
                name: "code", location: .query, schema: .string(), required: false,
                description: "The authorization code \(provider) sent back (400 when missing)."),
            Parameter(
                name: "state", location: .query, schema: .string(), required: false,
                description: "The `state` of `authorize` (400 when missing, unknown, used or expired)."),
            Parameter(
                name: "error", location: .query, schema: .string(), required: false,
                description: "Set by \(provider) when the login was declined (400).")
        ]
    }

    private static let callbackAnswers: [Answer] = [
        Answer(200, "The user, created or updated, with a user-scope `jwt_token`.", .ref("LoginUser")),
        .error(400, "No code, a wrong, used or expired `state`, or a code the provider refused; nothing changed."),
        .error(403, "The user is deactivated."),
        .error(404, "This login is not configured."),
        .error(502, "The provider is unreachable or answered outside its protocol.")
    ]

    static let auth: [OpenAPIOperation] = [
        op(
            "get", "/api/v1/auth/github/authorize", "githubAuthorize", tag: "auth",
            "Start a GitHub login: the URL to send the browser to (with a one-use `state`).",
            [
                Answer(200, "Where to log in.", .ref("Authorize")),
                .error(404, "GitHub login is not configured (`KILN_GITHUB_CLIENT_ID`).")
            ]),
        op(
            "get", "/api/v1/auth/github/callback", "githubCallback", tag: "auth",
            "Finish a GitHub login: exchange the code, read `/user` and `/user/emails`.",
            parameters: callbackParameters("GitHub"), callbackAnswers),
        op(
            "get", "/api/v1/auth/almalinux/authorize", "oidcAuthorize", tag: "auth",
            "Start an OpenID Connect login (code flow, PKCE S256, `state` and `nonce`).",
            [
                Answer(200, "Where to log in.", .ref("Authorize")),
                .error(404, "OIDC login is not configured (`KILN_OIDC_*`)."),
                .error(502, "The provider's discovery document is unreachable.")
            ]),
        op(
            "get", "/api/v1/auth/almalinux/callback", "oidcCallback", tag: "auth",
            "Finish an OpenID Connect login: exchange the code, verify the ID token against the provider's JWKS.",
            parameters: callbackParameters("the OIDC provider"),
            callbackAnswers + [.error(401, "The ID token's signature, issuer, audience, expiry or nonce is wrong.")]),
        op(
            "post", "/api/v1/auth/logout", "logout", tag: "auth",
            "Revoke the token this request carries (every Kiln process refuses it from then on).",
            scopes: [.user, .node, .signNode, .testSystem],
            [Answer(200, "Revoked.", .ref("UserOpResult"))]),
        op(
            "get", "/api/v1/projects/alma", "almaProjects", tag: "projects",
            "The repositories of the package organization (`KILN_GITEA_RPMS_ORG`), from the cache.",
            scopes: [.user], [Answer(200, "The repositories by name.", .array(.ref("Project")))]),
        op(
            "get", "/api/v1/projects/alma/modularity", "almaModules", tag: "projects",
            "The repositories of the module organization (`KILN_GITEA_MODULES_ORG`), from the cache.",
            scopes: [.user], [Answer(200, "The repositories by name.", .array(.ref("Project")))])
    ]
}
