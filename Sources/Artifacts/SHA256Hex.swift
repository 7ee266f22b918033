import Crypto
import Foundation

/// Lowercase hex sha256 of bytes or of a file (read in chunks).
package enum SHA256Hex {
    package static func digest(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    static func digest(file: URL) throws -> (sha256: String, size: Int) {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += chunk.count
        }
        return (hex(hasher.finalize()), size)
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
