import Foundation

/// Where the HS256 signing secret comes from: `KILN_JWT_SECRET` (at least 32 bytes) or a
/// random secret generated once into `$KILN_HOME/jwt-secret` (mode 600).
public enum JWTSecret {
    /// The smallest secret accepted (jwt-kit asserts on shorter HMAC keys).
    public static let minimumLength = 32

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Loads the secret from the environment, or from (creating it if absent) `home/jwt-secret`.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment, home: String) throws -> [UInt8] {
        if let value = environment["KILN_JWT_SECRET"] {
            let bytes = Array(value.utf8)
            guard bytes.count >= minimumLength else {
                throw Failure(description: "KILN_JWT_SECRET is \(bytes.count) bytes long; it must be at least \(minimumLength) bytes")
            }
            return bytes
        }
        let path = (home as NSString).appendingPathComponent("jwt-secret")
        let manager = FileManager.default
        if let data = manager.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.utf8.count >= minimumLength else {
                throw Failure(description: "\(path) holds a secret shorter than \(minimumLength) bytes; delete it to generate a new one")
            }
            return Array(text.utf8)
        }
        try manager.createDirectory(atPath: home, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<48).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = Data(raw).base64EncodedString()
        guard manager.createFile(atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "cannot write \(path)")
        }
        return Array(secret.utf8)
    }
}
