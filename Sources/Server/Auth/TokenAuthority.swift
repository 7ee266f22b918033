import Foundation
import JWTKit

/// Signs and verifies Kiln's HS256 tokens.
///
///     let authority = try await TokenAuthority(secret: JWTSecret.load(home: home))
///     let token = try await authority.issue(KilnClaims(sub: "node-1", scope: .node))
public struct TokenAuthority: Sendable {
    let keys: JWTKeyCollection

    public struct InvalidSecret: Error, CustomStringConvertible {
        public var description: String
    }

    /// A token authority for `secret` (at least 32 bytes).
    public init(secret: [UInt8]) async throws {
        guard secret.count >= JWTSecret.minimumLength else {
            throw InvalidSecret(description: "the JWT secret must be at least \(JWTSecret.minimumLength) bytes, got \(secret.count)")
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// Signs `claims` into a compact JWT.
    public func issue(_ claims: KilnClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// Verifies `token` and returns the identity it carries, or nil when it is invalid.
    public func identity(for token: String) async -> Identity? {
        guard let claims = try? await keys.verify(token, as: KilnClaims.self),
              let scope = AuthScope(rawValue: claims.scope)
        else { return nil }
        if scope != .node && claims.uid == nil { return nil }
        return Identity(subject: claims.sub.value, scope: scope, userID: claims.uid)
    }
}
