import Foundation

/// The bytes of one ASCII-armored OpenPGP block (RFC 9580 §6): the `BEGIN`/`END` lines, optional
/// headers, the base64 body and its CRC-24 checksum, checked. Remembers which line each body
/// byte came from, so a problem found in the packets can be reported at its line.
struct ArmoredBlock {
    /// The decoded body.
    var bytes: [UInt8]
    /// Per body line: its 1-based line number and the index of its first decoded byte.
    private var lineStarts: [(line: Int, byte: Int)]

    static let begin = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
    static let end = "-----END PGP PUBLIC KEY BLOCK-----"

    /// Reads the single public-key block of `text`.
    init(text: String) throws(OpenPGPKeyProblem) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        func trimmed(_ i: Int) -> String { lines[i].trimmingCharacters(in: .whitespaces) }
        guard let beginAt = lines.indices.first(where: { trimmed($0) == Self.begin }) else {
            if text.contains("PRIVATE KEY BLOCK") {
                throw OpenPGPKeyProblem(
                    line: 1,
                    "this is a PRIVATE key: only the public key belongs in git (export it with "
                        + "`gpg --armor --export KEYID`) — treat the private key as leaked")
            }
            throw OpenPGPKeyProblem(
                line: 1, "expected an ASCII-armored OpenPGP public key starting with '\(Self.begin)'")
        }
        var i = beginAt + 1
        // Armor headers (`Version: ...`, `Comment: ...`) up to a blank line; some tools omit both.
        while i < lines.count, trimmed(i).contains(": ") { i += 1 }
        while i < lines.count, trimmed(i).isEmpty { i += 1 }
        var body = ""
        var starts: [(line: Int, byte: Int)] = []
        var checksum: (text: String, line: Int)?
        var endAt: Int?
        while i < lines.count {
            let line = trimmed(i)
            if line == Self.end {
                endAt = i
                break
            }
            if line.hasPrefix("-----") {
                throw OpenPGPKeyProblem(line: i + 1, "expected '\(Self.end)', found '\(line)'")
            }
            if line.hasPrefix("=") && checksum == nil {
                checksum = (String(line.dropFirst()), i + 1)
            } else if !line.isEmpty {
                if checksum != nil {
                    throw OpenPGPKeyProblem(line: i + 1, "text after the armor checksum line; expected '\(Self.end)'")
                }
                guard line.unicodeScalars.allSatisfy(Self.isBase64) else {
                    throw OpenPGPKeyProblem(line: i + 1, "not base64: '\(line.prefix(40))'")
                }
                starts.append((i + 1, body.count / 4 * 3))
                body += line
            }
            i += 1
        }
        guard let endAt else {
            throw OpenPGPKeyProblem(line: lines.count, "the key block has no '\(Self.end)' line (is it truncated?)")
        }
        if lines[(endAt + 1)...].contains(where: { $0.contains("-----BEGIN PGP") }) {
            throw OpenPGPKeyProblem(
                line: endAt + 2, "more than one key block: a sign key declares exactly one public key")
        }
        guard !body.isEmpty, let decoded = Data(base64Encoded: body) else {
            throw OpenPGPKeyProblem(line: beginAt + 2, "the key's base64 body is malformed or empty")
        }
        bytes = [UInt8](decoded)
        lineStarts = starts
        if let checksum {
            guard checksum.text.count == 4, let crc = Data(base64Encoded: checksum.text), crc.count == 3 else {
                throw OpenPGPKeyProblem(line: checksum.line, "malformed armor checksum '=\(checksum.text)'")
            }
            let expected = UInt32(crc[0]) << 16 | UInt32(crc[1]) << 8 | UInt32(crc[2])
            guard Self.crc24(bytes) == expected else {
                throw OpenPGPKeyProblem(
                    line: checksum.line,
                    "armor checksum '=\(checksum.text)' does not match the key's contents (altered or truncated)")
            }
        }
    }

    /// The 1-based line holding decoded byte `offset`.
    func line(ofByte offset: Int) -> Int {
        var found = lineStarts.first?.line ?? 1
        for start in lineStarts where start.byte <= offset { found = start.line }
        return found
    }

    private static func isBase64(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "+", "/", "=": true
        default: false
        }
    }

    /// The armor checksum (RFC 9580 §6.1.1).
    static func crc24(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xB7_04CE
        for byte in bytes {
            crc ^= UInt32(byte) << 16
            for _ in 0..<8 {
                crc <<= 1
                if crc & 0x100_0000 != 0 { crc ^= 0x186_4CFB }
            }
        }
        return crc & 0xFF_FFFF
    }
}
