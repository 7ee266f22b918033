import Crypto
import Foundation

/// The random values one login starts with: the `state` (CSRF: the callback must bring it
/// back), and for OIDC the PKCE verifier (its S256 challenge goes to the provider) and the `nonce`
/// (the ID token must carry it).
package struct LoginSecrets: Sendable, Equatable {
    package var state: String
    package var codeVerifier: String
    package var nonce: String

    /// Fresh values: 32 random bytes each, base64url.
    package static func random() -> LoginSecrets {
        LoginSecrets(state: randomText(), codeVerifier: randomText(), nonce: randomText())
    }

    /// The PKCE S256 challenge of `codeVerifier`: base64url(SHA-256(verifier)).
    package var codeChallenge: String {
        Data(SHA256.hash(data: Array(codeVerifier.utf8))).base64URLText
    }

    static func randomText() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64URLText
    }
}
