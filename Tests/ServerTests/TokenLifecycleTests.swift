import Foundation
import JWTKit
import KilnTestSupport
import Logging
import NIOHTTP1
import PostgresNIO
import Server
import Store
import Testing

/// Issue 14, tokens: every token expires and carries a `jti` and a `kid`; expired, tampered,
/// unknown-key and revoked tokens answer 401; a rotated secret still verifies its tokens; a
/// revocation reaches another process's `TokenAuthority` through NOTIFY, with no query per request.
@Suite struct TokenLifecycleTests {
    static let current = Array("kiln-current-secret-0123456789-abcdefghij".utf8)
    static let previous = Array("kiln-previous-secret-0123456789-abcdefghij".utf8)

    /// The payload of a compact JWT, as JSON.
    static func payload(_ token: String) throws -> [String: Any] {
        let part = String(token.split(separator: ".")[1])
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let data = try #require(Data(base64Encoded: base64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func header(_ token: String) throws -> TokenHeader {
        try #require(TokenHeader(token: token))
    }

    @Test func everyTokenHasAnIDAKeyIDAndTheScopesDefaultExpiry() async throws {
        let lifetimes = TokenLifetimes(
            user: .seconds(3600), admin: .seconds(600), node: .seconds(86_400), signNode: .seconds(7200),
            testSystem: .seconds(60))
        let authority = try await TokenAuthority(keys: JWTSigningKeys(current: Self.current), lifetimes: lifetimes)
        for (scope, seconds) in [(AuthScope.user, 3600.0), (.admin, 600), (.node, 86_400), (.signNode, 7200)] {
            let token = try await authority.issue(KilnClaims(sub: "x", scope: scope, uid: 1))
            let claims = try Self.payload(token)
            let exp = try #require(claims["exp"] as? Double)
            #expect(abs(exp - Date().timeIntervalSince1970 - seconds) < 5, "\(scope)")
            #expect((claims["jti"] as? String)?.isEmpty == false)
            #expect(try Self.header(token).kid == JWTSigningKeys.keyID(for: Self.current))
            #expect(await authority.identity(for: token)?.tokenID == claims["jti"] as? String)
        }
        let two = try await authority.issue(KilnClaims(sub: "n", scope: .node))
        let three = try await authority.issue(KilnClaims(sub: "n", scope: .node))
        #expect(try Self.payload(two)["jti"] as? String != Self.payload(three)["jti"] as? String)
        // An explicit expiry wins.
        let named = try await authority.issue(
            KilnClaims(sub: "n", scope: .node, expires: Date(timeIntervalSinceNow: 120)))
        let exp = try #require(try Self.payload(named)["exp"] as? Double)
        #expect(abs(exp - Date().timeIntervalSince1970 - 120) < 5)
    }

    @Test func expiredTamperedUnknownKeyAndIDlessTokensAre401() async throws {
        try await RouterHarness.with { h in
            let user = try await UserStore(client: h.client).upsert(
                username: "alice", email: "a@example.org", isSuperuser: false)
            let good = try await h.tokens.issue(KilnClaims(sub: "alice", scope: .user, uid: user.id))
            #expect(try await h.call(.GET, "/api/v1/repositories/", token: good).status == 200)

            let expired = try await h.tokens.issue(
                KilnClaims(sub: "alice", scope: .user, uid: user.id, expires: Date(timeIntervalSinceNow: -5)))
            let late = try await h.call(.GET, "/api/v1/repositories/", token: expired)
            #expect(late.status == 401)
            #expect(late.detail != nil)

            // Tampered: the payload says admin, the signature is the user token's.
            let parts = good.split(separator: ".").map(String.init)
            var claims = try Self.payload(good)
            claims["scope"] = "admin"
            let forgedPayload = try JSONSerialization.data(withJSONObject: claims).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            let tampered = [parts[0], forgedPayload, parts[2]].joined(separator: ".")
            #expect(try await h.call(.GET, "/api/v1/repositories/", token: tampered).status == 401)

            // Signed by a secret Kiln does not hold: its kid is unknown.
            let stranger = try await TokenAuthority(secret: Array("a-stranger-secret-0123456789-abcdefghijk".utf8))
            let foreign = try await stranger.issue(KilnClaims(sub: "alice", scope: .user, uid: user.id))
            #expect(try await h.call(.GET, "/api/v1/repositories/", token: foreign).status == 401)

            // The right secret under a kid Kiln does not know, and no kid at all.
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: ServerHarness.secret), digestAlgorithm: .sha256)
            var bare = KilnClaims(
                sub: "alice", scope: .user, uid: user.id, expires: Date(timeIntervalSinceNow: 600), id: "bare-1")
            let unknownKid = try await keys.sign(bare, kid: "k-not-configured")
            #expect(try await h.call(.GET, "/api/v1/repositories/", token: unknownKid).status == 401)
            let noKid = try await keys.sign(bare)
            #expect(try await h.call(.GET, "/api/v1/repositories/", token: noKid).status == 401)
            // The configured kid and secret but no jti (a pre-issue-14 token): refused too.
            bare.jti = nil
            let kid = JWKIdentifier(string: JWTSigningKeys.keyID(for: ServerHarness.secret))
            let keyed = JWTKeyCollection()
            await keyed.add(hmac: HMACKey(from: ServerHarness.secret), digestAlgorithm: .sha256, kid: kid)
            let noID = try await keyed.sign(bare, kid: kid)
            #expect(try await h.call(.GET, "/api/v1/repositories/", token: noID).status == 401)
            bare.jti = IDClaim(value: "with-id")
            let withID = try await keyed.sign(bare, kid: kid)
            #expect(try await h.call(.GET, "/api/v1/repositories/", token: withID).status == 200)
        }
    }

    @Test func aRotatedSecretStillVerifiesItsTokensAndNewOnesUseTheNewKid() async throws {
        let before = try await TokenAuthority(keys: JWTSigningKeys(current: Self.previous))
        let old = try await before.issue(KilnClaims(sub: "n1", scope: .node))
        #expect(try Self.header(old).kid == JWTSigningKeys.keyID(for: Self.previous))

        let rotated = try await TokenAuthority(keys: JWTSigningKeys(current: Self.current, previous: [Self.previous]))
        #expect(await rotated.identity(for: old)?.subject == "n1")
        let fresh = try await rotated.issue(KilnClaims(sub: "n2", scope: .node))
        #expect(try Self.header(fresh).kid == JWTSigningKeys.keyID(for: Self.current))
        #expect(JWTSigningKeys.keyID(for: Self.current) != JWTSigningKeys.keyID(for: Self.previous))
        #expect(await rotated.identity(for: fresh)?.subject == "n2")
        // The processes not yet rotated refuse the new kid; once the old secret is dropped, its tokens go.
        #expect(await before.identity(for: fresh) == nil)
        let dropped = try await TokenAuthority(keys: JWTSigningKeys(current: Self.current))
        #expect(await dropped.identity(for: old) == nil)
        #expect(await dropped.identity(for: fresh)?.subject == "n2")
    }

    /// Two processes on one database: B has verified (and cached) a token; A revokes it; B refuses
    /// it within a short bound through NOTIFY (B's full reload is an hour away). The same for a
    /// deactivated user's tokens.
    @Test func aRevocationReachesAnotherProcessThroughNotify() async throws {
        let logger = Logger(label: "kiln.test.revocations")
        try await TestDatabase.with { clientA, url in
            try await KilnDatabase.withClient(config: try DatabaseConfig(url: url), logger: logger, migrate: false) {
                clientB in
                let keys = JWTSigningKeys(current: Self.current)
                let authorityA = try await TokenAuthority(keys: keys)
                let authorityB = try await TokenAuthority(keys: keys)
                let watcherA = RevocationWatcher(
                    revocations: authorityA.revocations, reloadInterval: .seconds(3600), logger: logger
                ) { clientA }
                let watcherB = RevocationWatcher(
                    revocations: authorityB.revocations, reloadInterval: .seconds(3600), logger: logger
                ) { clientB }
                let user = try await UserStore(client: clientA).upsert(
                    username: "bob", email: "b@example.org", isSuperuser: false)
                let node = try await authorityA.issue(KilnClaims(sub: "n1", scope: .node))
                let userToken = try await authorityA.issue(KilnClaims(sub: "bob", scope: .user, uid: user.id))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await watcherA.run() }
                    group.addTask { try await watcherB.run() }
                    defer { group.cancelAll() }
                    try await Self.waitUntil { authorityB.revocations.isLoaded && authorityA.revocations.isLoaded }
                    #expect(await authorityB.identity(for: node)?.subject == "n1")  // cached in B now
                    #expect(await authorityB.identity(for: userToken)?.userID == user.id)

                    let facts = try await authorityA.revocable(node)
                    let started = ContinuousClock.now
                    try await TokenRevocationStore(client: clientA).revoke(
                        tokenID: facts.tokenID, subject: facts.subject, expiresAt: facts.expiresAt, reason: "test")
                    try await Self.waitUntil { await authorityB.identity(for: node) == nil }
                    #expect(ContinuousClock.now - started < .seconds(3))
                    try await Self.waitUntil { await authorityA.identity(for: node) == nil }
                    #expect(try await TokenRevocationStore(client: clientB).isRevoked(tokenID: facts.tokenID))
                    #expect(await authorityB.identity(for: userToken) != nil)  // other tokens unaffected

                    // The users routes deactivate and announce; every token of the user is refused.
                    try await clientA.query("UPDATE users SET is_active = false WHERE id = \(user.id)")
                    try await TokenRevocationStore(client: clientA).announceUserChange(user.id)
                    try await Self.waitUntil { await authorityB.identity(for: userToken) == nil }
                    try await Self.waitUntil { await authorityA.identity(for: userToken) == nil }
                    let another = try await authorityB.issue(KilnClaims(sub: "bob", scope: .user, uid: user.id))
                    #expect(await authorityB.identity(for: another) == nil)
                }
            }
        }
    }

    /// A fresh process loads the revocations at start (no NOTIFY needed).
    @Test func aStartingProcessLoadsTheRevocations() async throws {
        try await TestDatabase.with { client, _ in
            let authority = try await TokenAuthority(keys: JWTSigningKeys(current: Self.current))
            let token = try await authority.issue(KilnClaims(sub: "n1", scope: .node))
            let facts = try await authority.revocable(token)
            try await TokenRevocationStore(client: client).revoke(
                tokenID: facts.tokenID, subject: "n1", expiresAt: facts.expiresAt, reason: "test")
            let later = try await TokenAuthority(keys: JWTSigningKeys(current: Self.current))
            #expect(await later.identity(for: token) != nil)  // not loaded yet
            let fresh = try await TokenAuthority(keys: JWTSigningKeys(current: Self.current))
            try await RevocationWatcher(
                revocations: fresh.revocations, reloadInterval: .seconds(60), logger: Logger(label: "t")
            ) { client }.reload()
            #expect(await fresh.identity(for: token) == nil)
        }
    }

    /// `POST /api/v1/auth/logout` revokes the token it carries, and only that one.
    @Test func logoutRevokesThePresentedToken() async throws {
        try await RouterHarness.with { h in
            let first = try await h.userToken("carol")
            let second = try await h.userToken("carol")
            #expect(try await h.call(.POST, "/api/v1/auth/logout").status == 401)
            let out = try await h.call(.POST, "/api/v1/auth/logout", token: first)
            #expect(out.status == 200)
            #expect(out.object["success"] as? Bool == true)
            #expect(try await h.call(.GET, "/api/v1/repositories/", token: first).status == 401)
            #expect(try await h.call(.POST, "/api/v1/auth/logout", token: first).status == 401)
            #expect(try await h.call(.GET, "/api/v1/repositories/", token: second).status == 200)
            #expect(try await h.count("SELECT count(*) FROM token_revocations WHERE reason = 'logout'") == 1)
        }
    }

    static func waitUntil(
        _ condition: @Sendable () async throws -> Bool, timeout: Duration = .seconds(30)
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the condition did not hold within \(timeout)")
    }
}
