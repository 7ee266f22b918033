import Foundation

/// Where the HS256 signing secret comes from: the configured one (`KILN_JWT_SECRET`, checked
/// at startup by `KilnSettings`) or a random secret generated once into `<home>/jwt-secret` (mode 600).
package enum JWTSecret {
    /// The smallest secret accepted (jwt-kit asserts on shorter HMAC keys).
    package static let minimumLength = 32

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// `configured` when given (it must be at least `minimumLength` bytes), else the secret in
    /// `home/jwt-secret`, created on first use.
    package static func load(configured: [UInt8]? = nil, home: String) throws -> [UInt8] {
        if let configured {
            guard configured.count >= minimumLength else {
                throw Failure(
                    description:
                        "the JWT secret is \(configured.count) bytes long; it must be at least \(minimumLength) bytes")
            }
            return configured
        }
        let path = (home as NSString).appendingPathComponent("jwt-secret")
        let manager = FileManager.default
        if let data = manager.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.utf8.count >= minimumLength else {
                throw Failure(
                    description:
                        "\(path) holds a secret shorter than \(minimumLength) bytes; delete it to generate a new one")
            }
            return Array(text.utf8)
        }
        try manager.createDirectory(atPath: home, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<48).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = Data(raw).base64EncodedString()
        guard manager.createFile(atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw Failure(description: "cannot write \(path)")
        }
        return Array(secret.utf8)
    }
}
