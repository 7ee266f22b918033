import Crypto
import Foundation

/// The HS256 secrets tokens are signed and verified with: the current one signs every new token;
/// previous ones (after a rotation) still verify the tokens they signed until those expire.
/// Each secret's key id (`kid`, in every token's header) is derived from the secret, so every Kiln
/// process configured with the same secrets agrees on the ids without naming them.
package struct JWTSigningKeys: Sendable, Equatable {
    package var current: [UInt8]
    package var previous: [[UInt8]]

    package init(current: [UInt8], previous: [[UInt8]] = []) {
        self.current = current
        self.previous = previous.filter { $0 != current }
    }

    /// The key id of `secret`: `k` and the first 16 hex digits of SHA-256("kiln-jwt-kid:" + secret).
    package static func keyID(for secret: [UInt8]) -> String {
        let digest = SHA256.hash(data: Array("kiln-jwt-kid:".utf8) + secret)
        return "k" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The key id new tokens carry.
    package var currentKeyID: String { Self.keyID(for: current) }

    /// Every accepted secret with its key id, the current one first.
    package var all: [(id: String, secret: [UInt8])] {
        ([current] + previous).map { (Self.keyID(for: $0), $0) }
    }
}
