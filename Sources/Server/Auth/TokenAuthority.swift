import Foundation
import JWTKit
import NIOConcurrencyHelpers

/// Signs and verifies Kiln's HS256 tokens.
///
///     let authority = try await TokenAuthority(secret: JWTSecret.load(home: home))
///     let token = try await authority.issue(KilnClaims(sub: "node-1", scope: .node))
package struct TokenAuthority: Sendable {
    let keys: JWTKeyCollection
    /// Tokens already verified (nodes send the same one on every call): token -> identity, expiry.
    let verified = NIOLockedValueBox([String: (Identity, Date?)]())
    static let cacheLimit = 10_000

    package struct InvalidSecret: Error, CustomStringConvertible {
        package var description: String
    }

    /// A token authority for `secret` (at least 32 bytes).
    package init(secret: [UInt8]) async throws {
        guard secret.count >= JWTSecret.minimumLength else {
            throw InvalidSecret(
                description: "the JWT secret must be at least \(JWTSecret.minimumLength) bytes, got \(secret.count)")
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// Signs `claims` into a compact JWT.
    package func issue(_ claims: KilnClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// Verifies `token` and returns the identity it carries, or nil when it is invalid or expired.
    package func identity(for token: String) async -> Identity? {
        if let (identity, expires) = verified.withLockedValue({ $0[token] }) {
            if let expires, expires <= Date() { return nil }
            return identity
        }
        guard let claims = try? await keys.verify(token, as: KilnClaims.self),
            let scope = AuthScope(rawValue: claims.scope)
        else { return nil }
        if scope != .node && scope != .signNode && scope != .testSystem && claims.uid == nil { return nil }
        let identity = Identity(subject: claims.sub.value, scope: scope, userID: claims.uid)
        verified.withLockedValue { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[token] = (identity, claims.exp?.value)
        }
        return identity
    }
}
