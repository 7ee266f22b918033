import JWTKit

/// The JWT payload Kiln issues: `sub`, `scope` and, for users, `uid` (the `users.id`).
package struct KilnClaims: JWTPayload, Equatable {
    package var sub: SubjectClaim
    package var scope: String
    package var uid: Int64?
    package var iat: IssuedAtClaim?
    package var exp: ExpirationClaim?

    package init(sub: String, scope: AuthScope, uid: Int64? = nil, issuedAt: Date = Date(), expires: Date? = nil) {
        self.sub = SubjectClaim(value: sub)
        self.scope = scope.rawValue
        self.uid = uid
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = expires.map { ExpirationClaim(value: $0) }
    }

    package func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp?.verifyNotExpired()
    }
}

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
