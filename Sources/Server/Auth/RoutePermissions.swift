import HTTPTypes
import Spec

/// One route's rule: method, path as the router spells it (`{name}` for a parameter; a trailing
/// slash does not matter) and what the caller needs.
package struct RouteRule: Sendable, Hashable {
    package var method: HTTPRequest.Method
    package var path: String
    package var requirement: Requirement

    init(_ method: HTTPRequest.Method, _ path: String, _ requirement: Requirement) {
        self.method = method
        self.path = path
        self.requirement = requirement
    }

    /// `path` without a trailing slash (the router ignores it).
    package var key: String { RoutePermissions.key(method, path) }
}

/// THE permission table: every route of `KilnServer.makeRouter` and what it needs.
/// `PermissionMiddleware` consults it for every request; `RoutePermissionTests` fails when a
/// router route has no rule here, and when `docs/security.md` differs from `markdown`.
/// A new route gets its line here, in the section of its router.
package enum RoutePermissions {
    private static let user: Requirement = .scopes([.user])

    package static let rules: [RouteRule] = [
        // service
        RouteRule(.get, "/health", .everyone),
        RouteRule(.get, "/openapi.json", .everyone),
        // builds
        RouteRule(.get, "/api/v1/builds/", .everyone),
        RouteRule(.get, "/api/v1/builds/{build_id}/", .everyone),
        RouteRule(.post, "/api/v1/builds/", .teamRole(.contributor, on: .bodyPlatforms, creatorMay: false)),
        RouteRule(
            .patch, "/api/v1/builds/{build_id}/restart-failed",
            .teamRole(.contributor, on: .build(parameter: "build_id"), creatorMay: false)),
        RouteRule(
            .patch, "/api/v1/builds/{build_id}/parallel-restart-failed",
            .teamRole(.contributor, on: .build(parameter: "build_id"), creatorMay: false)),
        RouteRule(
            .patch, "/api/v1/builds/{build_id}/cancel",
            .teamRole(.manager, on: .build(parameter: "build_id"), creatorMay: true)),
        RouteRule(
            .delete, "/api/v1/builds/{build_id}/remove",
            .teamRole(.manager, on: .build(parameter: "build_id"), creatorMay: true)),
        // build nodes
        RouteRule(.post, "/api/v1/build_node/ping", .scopes([.node])),
        RouteRule(.post, "/api/v1/build_node/get_task", .scopes([.node])),
        RouteRule(.post, "/api/v1/build_node/build_done", .scopes([.node])),
        // sign tasks
        RouteRule(.get, "/api/v1/sign-tasks/", .everyone),
        RouteRule(.post, "/api/v1/sign-tasks/", .teamRole(.signer, on: .bodyBuild, creatorMay: true)),
        RouteRule(.post, "/api/v1/sign-tasks/get_sign_task/", .scopes([.signNode])),
        RouteRule(.post, "/api/v1/sign-tasks/{sign_task_id}/complete/", .scopes([.signNode])),
        RouteRule(
            .put, "/api/v1/sign-tasks/{sign_task_id}/restart",
            .teamRole(.signer, on: .signTask(parameter: "sign_task_id"), creatorMay: true)),
        RouteRule(.post, "/api/v1/sign-tasks/community/get_gen_sign_key_task/", .scopes([.signNode])),
        RouteRule(.post, "/api/v1/sign-tasks/community/{gen_key_task_id}/complete/", .scopes([.signNode])),
        // tests (ALTS)
        RouteRule(.get, "/api/v1/tests/get_test_tasks/", .scopes([.testSystem])),
        RouteRule(.post, "/api/v1/tests/{id}/result/", .scopes([.testSystem])),
        RouteRule(.get, "/api/v1/tests/{id}/latest", .everyone),
        RouteRule(.get, "/api/v1/tests/{id}/logs", .everyone),
        RouteRule(.get, "/api/v1/tests/{id}/{revision}", .everyone),
        RouteRule(
            .put, "/api/v1/tests/build/{build_id}/restart",
            .teamRole(.contributor, on: .build(parameter: "build_id"), creatorMay: true)),
        RouteRule(
            .put, "/api/v1/tests/build_task/{build_task_id}/restart",
            .teamRole(.contributor, on: .buildTask(parameter: "build_task_id"), creatorMay: true)),
        RouteRule(
            .put, "/api/v1/tests/build/{build_id}/cancel",
            .teamRole(.contributor, on: .build(parameter: "build_id"), creatorMay: true)),
        // releases (writes answer 409 with the file to commit)
        RouteRule(.get, "/api/v1/releases/", .everyone),
        RouteRule(.get, "/api/v1/releases/{release_id}/", .everyone),
        RouteRule(.post, "/api/v1/releases/new/", user),
        RouteRule(.put, "/api/v1/releases/{release_id}/", user),
        RouteRule(.post, "/api/v1/releases/{release_id}/commit/", user),
        RouteRule(.post, "/api/v1/releases/{release_id}/revert/", user),
        RouteRule(.delete, "/api/v1/releases/{release_id}/delete/", user),
        // platforms, flavors, distributions, repositories, sign keys (writes: 409, git)
        RouteRule(.get, "/api/v1/platforms/", .everyone),
        RouteRule(.post, "/api/v1/platforms/", user),
        RouteRule(.put, "/api/v1/platforms/", user),
        RouteRule(.patch, "/api/v1/platforms/{platform_id}/add-repositories", user),
        RouteRule(.patch, "/api/v1/platforms/{platform_id}/remove-repositories", user),
        RouteRule(.get, "/api/v1/platform_flavors/", .everyone),
        RouteRule(.get, "/api/v1/distributions/", .everyone),
        RouteRule(.post, "/api/v1/distributions/", user),
        RouteRule(.post, "/api/v1/distributions/add/{build_id}/{distribution}/", user),
        RouteRule(.post, "/api/v1/distributions/remove/{build_id}/{distribution}/", user),
        RouteRule(.get, "/api/v1/repositories/", user),
        RouteRule(.get, "/api/v1/repositories/{repository_id}/", user),
        RouteRule(.get, "/api/v1/sign-keys/", user),
        RouteRule(.post, "/api/v1/sign-keys/new/", user),
        RouteRule(.put, "/api/v1/sign-keys/{sign_key_id}/", user),
        // teams and roles (git-managed: writes answer 409 with the file to commit)
        RouteRule(.get, "/api/v1/teams/", .everyone),
        RouteRule(.get, "/api/v1/teams/{team_id}/", .everyone),
        RouteRule(.post, "/api/v1/teams/create/", user),
        RouteRule(.post, "/api/v1/teams/{team_id}/members/add/", user),
        RouteRule(.post, "/api/v1/teams/{team_id}/members/remove/", user),
        RouteRule(.delete, "/api/v1/teams/{team_id}/remove/", user),
        RouteRule(.get, "/api/v1/roles/", user),
        // users
        RouteRule(.get, "/api/v1/users/all_users", user),
        RouteRule(.get, "/api/v1/users/{user_id}/teams", user),
        RouteRule(.get, "/api/v1/users/{user_id}/roles", user),
        RouteRule(.put, "/api/v1/users/{user_id}", .admin),
        RouteRule(.delete, "/api/v1/users/{user_id}/remove", .admin),
        // audit
        RouteRule(.get, "/api/v1/audit/", user),
        // reconcile
        RouteRule(.post, "/api/v1/reconcile/", .admin),
        RouteRule(.get, "/api/v1/reconcile/runs", user),
        RouteRule(.get, "/api/v1/reconcile/runs/{run_id}", user),
        // login (fastapi-users paths) and the projects listing
        RouteRule(.get, "/api/v1/auth/github/authorize", .everyone),
        RouteRule(.get, "/api/v1/auth/github/callback", .everyone),
        RouteRule(.get, "/api/v1/auth/almalinux/authorize", .everyone),
        RouteRule(.get, "/api/v1/auth/almalinux/callback", .everyone),
        RouteRule(.post, "/api/v1/auth/logout", .scopes([.user, .node, .signNode, .testSystem])),
        RouteRule(.get, "/api/v1/projects/alma", user),
        RouteRule(.get, "/api/v1/projects/alma/modularity", user),
        // push webhooks: no token, the body's HMAC signature is checked by the route
        RouteRule(.post, "/api/v1/webhooks/github", .everyone),
        RouteRule(.post, "/api/v1/webhooks/gitea", .everyone)
    ]

    private static let byKey: [String: RouteRule] = Dictionary(
        rules.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })

    /// `METHOD /path` without a trailing slash.
    package static func key(_ method: HTTPRequest.Method, _ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        return "\(method.rawValue) \(trimmed)"
    }

    /// The rule of a route the router matched (`path` as in `context.endpointPath`).
    package static func rule(_ method: HTTPRequest.Method, _ path: String) -> RouteRule? {
        byKey[key(method, path)]
    }

    /// `docs/security.md`: every route and what it needs.
    package static var markdown: String {
        var out = """
            # Who may call what

            Generated from `Sources/Server/Auth/RoutePermissions.swift` (`RoutePermissionTests` fails when
            this file differs: regenerate it with `KILN_WRITE_SECURITY_DOC=1 swift test --filter RoutePermissionTests`).
            Every request is checked by `PermissionMiddleware` against this table; a route without a rule is
            refused (403) and fails the tests.

            - No token on a route that needs one: 401. An invalid, expired or tampered token: 401. The token of
              a deactivated user (`DELETE /api/v1/users/{id}/remove`): 401.
            - A token of another scope, or a user without the role: 403. An `admin` token passes every rule.
            - Roles come from `teams/*.yml` in git (`manager`, `contributor`, `signer`, `releaser`); a team owns
              platforms. A rule on an object asks for the role in a team owning the object's platforms. Any
              role satisfies `contributor`. Objects on platforms no team owns stay as before teams existed:
              any user, or only the creator where the rule says "else the creator".
            - "else the creator": a user without the role may still act on objects they created (the store
              checks it under the row lock: 403 otherwise).
            - Team roles and deactivated users are read from memory (`AccessDirectory`), reloaded after every
              reconcile apply and at least every 30 s; only a rule on an existing object reads its platforms.
            - A new route: one line in `RoutePermissions.rules`, then regenerate this file.

            | method | path | needs |
            |---|---|---|

            """
        for rule in rules {
            out += "| \(rule.method.rawValue) | `\(rule.path)` | \(rule.requirement.summary) |\n"
        }
        out +=
            "\n`/repos/...` (the local artifact store's repositories, when configured) is served before routing: public.\n"
        return out
    }
}
