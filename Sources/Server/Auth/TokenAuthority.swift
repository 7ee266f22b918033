import Foundation
import JWTKit
import NIOConcurrencyHelpers

/// Signs and verifies Kiln's HS256 tokens.
///
///     let authority = try await TokenAuthority(keys: JWTSigningKeys(current: secret), lifetimes: .defaults)
///     let token = try await authority.issue(KilnClaims(sub: "node-1", scope: .node))
///
/// Every token carries a key id (`kid`, the current secret's), a token id (`jti`) and an expiry
/// (the scope's default lifetime unless the claims name one). A token verifies when its `kid`
/// names a configured secret (current or previous), its signature holds, it has not expired, it
/// carries `jti` and `exp`, and neither its `jti` nor its user is in `revocations` — checked in
/// memory on every request, cached verifications included.
package struct TokenAuthority: Sendable {
    let keys: JWTKeyCollection
    /// The configured secrets and their key ids.
    package let signingKeys: JWTSigningKeys
    /// Default expiry per scope.
    package let lifetimes: TokenLifetimes
    /// Revoked tokens and inactive users (kept current by a `RevocationWatcher`).
    package let revocations: RevocationSet
    private let keyIDs: Set<String>
    /// Tokens already verified (nodes send the same one on every call).
    let verified = NIOLockedValueBox([String: Identity]())
    static let cacheLimit = 10_000

    package struct InvalidSecret: Error, CustomStringConvertible {
        package var description: String
    }

    /// A token authority signing with `secret` (at least 32 bytes), default lifetimes.
    package init(secret: [UInt8]) async throws {
        try await self.init(keys: JWTSigningKeys(current: secret))
    }

    /// A token authority over `keys` (each at least 32 bytes).
    package init(
        keys signingKeys: JWTSigningKeys, lifetimes: TokenLifetimes = .defaults,
        revocations: RevocationSet = RevocationSet()
    ) async throws {
        let keys = JWTKeyCollection()
        for (id, secret) in signingKeys.all {
            guard secret.count >= JWTSecret.minimumLength else {
                throw InvalidSecret(
                    description:
                        "the JWT secret must be at least \(JWTSecret.minimumLength) bytes, got \(secret.count)")
            }
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: id))
        }
        await keys.clearDefault()  // a token naming no configured kid has no key to verify with
        self.keys = keys
        self.signingKeys = signingKeys
        self.lifetimes = lifetimes
        self.revocations = revocations
        self.keyIDs = Set(signingKeys.all.map(\.id))
    }

    /// Signs `claims` into a compact JWT with the current key, adding a token id and the scope's
    /// default expiry when the claims carry none.
    package func issue(_ claims: KilnClaims) async throws -> String {
        var claims = claims
        if claims.jti == nil { claims.jti = IDClaim(value: UUID().uuidString.lowercased()) }
        if claims.exp == nil, let scope = AuthScope(rawValue: claims.scope) {
            let lifetime = lifetimes.lifetime(of: scope)
            let start = claims.iat?.value ?? Date()
            claims.exp = ExpirationClaim(value: start.addingTimeInterval(lifetime.seconds))
        }
        return try await keys.sign(claims, kid: JWKIdentifier(string: signingKeys.currentKeyID))
    }

    /// Verifies `token` and returns the identity it carries, or nil when it is invalid, expired,
    /// revoked, or its user is inactive.
    package func identity(for token: String) async -> Identity? {
        if let identity = verified.withLockedValue({ $0[token] }) {
            if let expires = identity.expiresAt, expires > Date(), !isRevoked(identity) { return identity }
            _ = verified.withLockedValue { $0.removeValue(forKey: token) }
            return nil
        }
        guard let header = TokenHeader(token: token), header.alg == "HS256", let kid = header.kid,
            keyIDs.contains(kid), let claims = try? await keys.verify(token, as: KilnClaims.self),
            let scope = AuthScope(rawValue: claims.scope), let expires = claims.exp?.value,
            let tokenID = claims.jti?.value
        else { return nil }
        if scope != .node && scope != .signNode && scope != .testSystem && claims.uid == nil { return nil }
        let identity = Identity(
            subject: claims.sub.value, scope: scope, userID: claims.uid, tokenID: tokenID, expiresAt: expires)
        if isRevoked(identity) { return nil }
        verified.withLockedValue { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[token] = identity
        }
        return identity
    }

    /// The id, subject and expiry of `token` when one of the configured keys signed it (expired
    /// or not): what `kiln token revoke` records.
    package func revocable(_ token: String) async throws -> (tokenID: String, subject: String, expiresAt: Date?) {
        guard let header = TokenHeader(token: token), let kid = header.kid, keyIDs.contains(kid) else {
            throw InvalidSecret(description: "the token was not signed by a configured key (unknown or missing kid)")
        }
        let claims = try await keys.verify(token, as: RevocableClaims.self)
        guard let tokenID = claims.jti?.value else {
            throw InvalidSecret(description: "the token carries no id (jti); it cannot be revoked")
        }
        return (tokenID, claims.sub.value, claims.exp?.value)
    }

    /// Marks `tokenID` revoked in this process at once (the NOTIFY reaches the others).
    package func forget(tokenID: String) {
        revocations.revoke(tokenID: tokenID)
        verified.withLockedValue { cache in cache = cache.filter { $0.value.tokenID != tokenID } }
    }

    private func isRevoked(_ identity: Identity) -> Bool {
        revocations.isRevoked(tokenID: identity.tokenID, userID: identity.userID)
    }
}
