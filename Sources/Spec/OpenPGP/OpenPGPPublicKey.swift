import Crypto

/// Why an armored public key was refused: the message and the 1-based line of the armored
/// text it concerns.
package struct OpenPGPKeyProblem: Error, Sendable, Hashable {
    package var line: Int
    package var message: String

    init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }
}

/// An ASCII-armored OpenPGP public key, read far enough to name it (RFC 9580): the primary
/// key and each subkey with their v4 fingerprints and key ids, and the user ids. Signatures
/// are not checked here; `rpmkeys` checks them when signed packages are verified.
///
///     let key = try OpenPGPPublicKey(armored: text)
///     key.primary.fingerprint              // "BF18AC2876178908D6E71267D36CB86CB86B3716"
///     key.key(withFingerprint: declared)   // the primary key or a subkey, nil if neither
package struct OpenPGPPublicKey: Sendable, Hashable {
    /// One key packet (the primary key or a subkey).
    package struct Key: Sendable, Hashable {
        /// 40 upper-case hex digits: SHA-1 over `0x99 ‖ length ‖ packet body`.
        package var fingerprint: String
        /// The last 16 digits of the fingerprint (the long key id).
        package var keyID: String { String(fingerprint.suffix(16)) }
    }

    package var primary: Key
    package var subkeys: [Key]
    package var userIDs: [String]

    /// Reads the one public-key block of `text`; throws the first problem with its line.
    package init(armored text: String) throws(OpenPGPKeyProblem) {
        let block = try ArmoredBlock(text: text)
        let bytes = block.bytes
        var offset = 0
        var primary: Key?
        var subkeys: [Key] = []
        var userIDs: [String] = []
        while offset < bytes.count {
            let at = block.line(ofByte: offset)
            let packet = try Self.packet(bytes, at: offset, line: at)
            let body = Array(bytes[packet.body])
            switch packet.tag {
            case 5, 7:
                throw OpenPGPKeyProblem(
                    line: at, "the block holds SECRET key material: only the public key belongs in git")
            case 6:
                guard primary == nil else {
                    throw OpenPGPKeyProblem(line: at, "more than one primary key: a sign key declares exactly one key")
                }
                primary = try Self.key(body, line: at)
            case 14:
                guard primary != nil else {
                    throw OpenPGPKeyProblem(line: at, "a subkey comes before the primary key")
                }
                subkeys.append(try Self.key(body, line: at))
            case 13:
                userIDs.append(String(decoding: body, as: UTF8.self))
            default:
                guard primary != nil else {
                    throw OpenPGPKeyProblem(line: at, "the block does not start with a public key packet")
                }
            }
            offset = packet.body.upperBound
        }
        guard let primary else {
            throw OpenPGPKeyProblem(line: block.line(ofByte: 0), "the block holds no public key packet")
        }
        self.primary = primary
        self.subkeys = subkeys
        self.userIDs = userIDs
    }

    /// The primary key or subkey with this fingerprint (any case), nil when neither.
    package func key(withFingerprint fingerprint: String) -> Key? {
        let wanted = fingerprint.uppercased()
        return ([primary] + subkeys).first { $0.fingerprint == wanted }
    }

    /// The primary key or subkey with this long key id (any case), nil when neither.
    package func key(withID keyID: String) -> Key? {
        let wanted = keyID.uppercased()
        return ([primary] + subkeys).first { $0.keyID == wanted }
    }

    /// Every fingerprint, primary first, for messages.
    package var fingerprints: [String] { ([primary] + subkeys).map(\.fingerprint) }

    /// A packet's tag and the range of its body (RFC 9580 §4.2, both header formats).
    private static func packet(
        _ bytes: [UInt8], at start: Int, line: Int
    ) throws(OpenPGPKeyProblem) -> (
        tag: Int, body: Range<Int>
    ) {
        let header = bytes[start]
        guard header & 0x80 != 0 else {
            throw OpenPGPKeyProblem(line: line, "not an OpenPGP packet (byte \(start) is \(header))")
        }
        var i = start + 1
        func byte() throws(OpenPGPKeyProblem) -> Int {
            guard i < bytes.count else { throw OpenPGPKeyProblem(line: line, "the key is truncated") }
            defer { i += 1 }
            return Int(bytes[i])
        }
        func bigEndian(_ count: Int) throws(OpenPGPKeyProblem) -> Int {
            var value = 0
            for _ in 0..<count { value = value << 8 | (try byte()) }
            return value
        }
        let tag: Int
        let length: Int
        if header & 0x40 != 0 {
            tag = Int(header & 0x3F)
            let first = try byte()
            switch first {
            case 0..<192: length = first
            case 192..<224: length = (first - 192) << 8 + (try byte()) + 192
            case 255: length = try bigEndian(4)
            default:
                throw OpenPGPKeyProblem(line: line, "partial body lengths are not allowed in a key")
            }
        } else {
            tag = Int(header >> 2 & 0x0F)
            switch header & 0x03 {
            case 0: length = try bigEndian(1)
            case 1: length = try bigEndian(2)
            case 2: length = try bigEndian(4)
            default: throw OpenPGPKeyProblem(line: line, "indeterminate packet lengths are not allowed in a key")
            }
        }
        guard length <= bytes.count - i else { throw OpenPGPKeyProblem(line: line, "the key is truncated") }
        return (tag, i..<(i + length))
    }

    /// A key packet body: version 4 only (what rpm signs and checks with).
    private static func key(_ body: [UInt8], line: Int) throws(OpenPGPKeyProblem) -> Key {
        guard let version = body.first else { throw OpenPGPKeyProblem(line: line, "an empty key packet") }
        guard version == 4 else {
            throw OpenPGPKeyProblem(
                line: line, "OpenPGP key version \(version) is not supported: sign keys are version 4 keys")
        }
        guard body.count <= 0xFFFF else { throw OpenPGPKeyProblem(line: line, "a key packet above 64 KiB") }
        var hash = Insecure.SHA1()
        hash.update(data: [0x99, UInt8(body.count >> 8), UInt8(body.count & 0xFF)])
        hash.update(data: body)
        let hex = hash.finalize().map { byte in
            let digits = Array("0123456789ABCDEF")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }
        return Key(fingerprint: hex.joined())
    }
}
