import JWTKit

/// The JWT payload Kiln issues: `sub`, `scope` and, for users, `uid` (the `users.id`).
public struct KilnClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var scope: String
    public var uid: Int64?
    public var iat: IssuedAtClaim?
    public var exp: ExpirationClaim?

    public init(sub: String, scope: AuthScope, uid: Int64? = nil, issuedAt: Date = Date(), expires: Date? = nil) {
        self.sub = SubjectClaim(value: sub)
        self.scope = scope.rawValue
        self.uid = uid
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = expires.map { ExpirationClaim(value: $0) }
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp?.verifyNotExpired()
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
