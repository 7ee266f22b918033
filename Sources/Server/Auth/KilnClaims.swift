import JWTKit

/// The JWT payload Kiln issues: `sub`, `scope`, for users `uid` (the `users.id`), and on every
/// token issued since issue 14 a token id (`jti`, what revocation names) and an expiry (`exp`).
package struct KilnClaims: JWTPayload, Equatable {
    package var sub: SubjectClaim
    package var scope: String
    package var uid: Int64?
    package var iat: IssuedAtClaim?
    package var exp: ExpirationClaim?
    package var jti: IDClaim?

    /// Claims for `sub`; `TokenAuthority.issue` fills in a missing `expires` (the scope's default
    /// lifetime) and `id` (a random UUID).
    package init(
        sub: String, scope: AuthScope, uid: Int64? = nil, issuedAt: Date = Date(), expires: Date? = nil,
        id: String? = nil
    ) {
        self.sub = SubjectClaim(value: sub)
        self.scope = scope.rawValue
        self.uid = uid
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = expires.map { ExpirationClaim(value: $0) }
        self.jti = id.map { IDClaim(value: $0) }
    }

    package func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp?.verifyNotExpired()
    }
}

/// The claims `kiln token revoke` reads: the signature is checked, the expiry is not (an
/// expired token may still be revoked, harmlessly).
struct RevocableClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim?
    var jti: IDClaim?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
