import Crypto
import Foundation

/// Checks push-webhook signatures: HMAC-SHA256 of the raw body with the shared secret,
/// compared in constant time (swift-crypto's `isValidAuthenticationCode`).
///
///     WebhookSignature.isValid(header: "sha256=5d7...", prefix: "sha256=", body: body, secret: secret)
package enum WebhookSignature {
    /// True when `header` is `prefix` + the lowercase or uppercase hex HMAC-SHA256 of `body`.
    package static func isValid(header: String?, prefix: String, body: [UInt8], secret: [UInt8]) -> Bool {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.hasPrefix(prefix),
            let mac = bytes(hex: header.dropFirst(prefix.count)), mac.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: secret))
    }

    /// True when `header` has the shape of a signature (`prefix` + 64 hex digits), checked before
    /// the body is read.
    package static func isWellFormed(header: String, prefix: String) -> Bool {
        let header = header.trimmingCharacters(in: .whitespaces)
        guard header.hasPrefix(prefix) else { return false }
        let digits = header.utf8.dropFirst(prefix.utf8.count)
        return digits.count == 2 * SHA256.byteCount && digits.allSatisfy { nibble($0) != nil }
    }

    /// The hex HMAC-SHA256 of `body` (what a forge sends), for tests and tools.
    package static func hex(body: [UInt8], secret: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Decodes hex digits; nil on an odd length or a non-hex character.
    static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
