import Foundation

/// The header fields of a compact JWT read before its signature is checked: the algorithm and
/// key id decide which key may verify it at all.
package struct TokenHeader: Sendable, Equatable, Decodable {
    package var alg: String?
    package var kid: String?

    /// The header of `token`, nil when it is not a three-part JWT with a JSON header.
    package init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URL: String(parts[0])),
            let header = try? JSONDecoder().decode(TokenHeader.self, from: data)
        else { return nil }
        self = header
    }
}

extension Data {
    /// Bytes of unpadded (or padded) base64url text, nil when it is not base64url.
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }

    /// Unpadded base64url text of these bytes.
    var base64URLText: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
