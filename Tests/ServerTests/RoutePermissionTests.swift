import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import PostgresNIO
import Server
import Spec
import Store
import Testing

/// The one permission table (`RoutePermissions`) covers every route the router serves, matches
/// `docs/security.md`, and is what every route enforces: no token 401, a tampered, expired or
/// revoked token 401, a token of the wrong scope 403, an allowed token neither.
@Suite struct RoutePermissionTests {
    static let securityDoc = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/security.md")

    @Test func everyRouteOfTheRouterHasARule() async throws {
        let router = try await OpenAPIDocumentTests.router()
        let served = Set(router.routes.map { RoutePermissions.key($0.method, $0.path.description) })
        let ruled = RoutePermissions.rules.map(\.key)
        #expect(served.count >= 65)
        #expect(served.subtracting(ruled).sorted() == [], "routes without a rule in RoutePermissions")
        #expect(Set(ruled).subtracting(served).sorted() == [], "rules for routes the router does not serve")
        #expect(Set(ruled).count == ruled.count, "a route has two rules")
    }

    @Test func securityDocIsTheTable() throws {
        if ProcessInfo.processInfo.environment["KILN_WRITE_SECURITY_DOC"] == "1" {
            try RoutePermissions.markdown.write(to: Self.securityDoc, atomically: true, encoding: .utf8)
        }
        let doc = try String(contentsOf: Self.securityDoc, encoding: .utf8)
        #expect(doc == RoutePermissions.markdown, "docs/security.md differs: KILN_WRITE_SECURITY_DOC=1 regenerates it")
        for rule in RoutePermissions.rules {
            #expect(doc.contains("| \(rule.method.rawValue) | `\(rule.path)` |"), "\(rule.key) is not in the doc")
        }
    }

    @Test func aRouteWithoutARuleIsRefused() async throws {
        let router = try await OpenAPIDocumentTests.router()
        router.get("/api/v1/unlisted") { _, _ in "reached" }
        let app = Application(router: router)
        try await app.test(.router) { client in
            let answer = try await client.executeRequest(uri: "/api/v1/unlisted", method: .get, headers: [:], body: nil)
            #expect(answer.status == .forbidden)
            #expect(String(buffer: answer.body).contains("no permission rule"))
        }
    }

    /// The request path of `rule` with every parameter filled (ids that do not exist).
    static func path(_ rule: RouteRule) -> String {
        rule.path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            guard part.hasPrefix("{") else { return String(part) }
            return part == "{distribution}" ? "nothing" : "999999"
        }.joined(separator: "/")
    }

    @Test func everyRouteEnforcesItsRule() async throws {
        try await RouterHarness.with { h in
            let user = try await h.userToken("perm-user")
            let admin = try await h.userToken("perm-admin", admin: true)
            let node = try await h.nodeToken("perm-node")
            let signNode = try await h.tokens.issue(KilnClaims(sub: "perm-sign", scope: .signNode))
            let tester = try await h.tokens.issue(KilnClaims(sub: "perm-alts", scope: .testSystem))
            let tampered = String(user.dropLast(2)) + (user.hasSuffix("AA") ? "BB" : "AA")
            // A token past its expiry, and one revoked: neither passes anywhere.
            let expired = try await h.tokens.issue(
                KilnClaims(
                    sub: "perm-old", scope: .node, issuedAt: Date(timeIntervalSinceNow: -7200),
                    expires: Date(timeIntervalSinceNow: -3600)))
            let revokedID = "perm-revoked-\(UUID().uuidString.lowercased())"
            let revoked = try await h.tokens.issue(KilnClaims(sub: "perm-revoked", scope: .node, id: revokedID))
            h.tokens.revocations.revoke(tokenID: revokedID)
            func token(_ scope: AuthScope) -> String {
                switch scope {
                case .user: user
                case .admin: admin
                case .node: node
                case .signNode: signNode
                case .testSystem: tester
                }
            }
            var checked = 0
            // Logout revokes the token it is called with: it goes last.
            let logout = { (rule: RouteRule) in rule.path.hasSuffix("/auth/logout") }
            for rule in RoutePermissions.rules.filter({ !logout($0) }) + RoutePermissions.rules.filter(logout) {
                let method = HTTPMethod(rawValue: rule.method.rawValue)
                let path = Self.path(rule)
                let label = "\(rule.method.rawValue) \(path)"
                #expect(try await h.call(method, path, token: tampered).status == 401, "\(label): tampered token")
                #expect(try await h.call(method, path, token: expired).status == 401, "\(label): expired token")
                #expect(try await h.call(method, path, token: revoked).status == 401, "\(label): revoked token")
                let allowed: [String]
                let refused: [String]
                switch rule.requirement {
                case .everyone:
                    // webhooks: no token, a signature the route checks (401 without it)
                    allowed = rule.path.contains("webhooks") ? [] : [user]
                    refused = []
                case .scopes(let scopes):
                    allowed = scopes.map(token) + [admin]
                    refused = AuthScope.allCases.filter { $0 != .admin && !scopes.contains($0) }.map(token)
                case .admin:
                    allowed = [admin]
                    refused = [user, node, signNode, tester]
                case .teamRole:
                    allowed = [admin, user]  // no team owns the (missing) object's platforms
                    refused = [node, signNode, tester]
                }
                if case .everyone = rule.requirement {
                } else {
                    #expect(try await h.call(method, path).status == 401, "\(label): no token")
                }
                for token in refused {
                    let answer = try await h.call(method, path, token: token)
                    #expect(answer.status == 403, "\(label): wrong scope answered \(answer.status) \(answer.text)")
                }
                for token in allowed {
                    let answer = try await h.call(method, path, token: token)
                    #expect(
                        ![401, 403].contains(answer.status),
                        "\(label): allowed, answered \(answer.status) \(answer.text)")
                }
                checked += 1
            }
            #expect(checked == RoutePermissions.rules.count)
        }
    }
}
