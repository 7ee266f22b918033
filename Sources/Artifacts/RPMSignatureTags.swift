import Foundation

/// The OpenPGP signatures an RPM's signature header can hold, and their issuers.
///
/// Tags: 267 `DSA` and 268 `RSA` (header only, what rpmsign 4.x writes), 1002 `PGP` and 1005
/// `GPG` (header and payload, older rpm), 278 `OPENPGP` (rpm 4.20+: base64 signatures).
enum RPMSignatureTags {
    static let binaryTags: [UInt32] = [268, 267, 1002, 1005]
    static let openPGPTag: UInt32 = 278

    /// The issuer key id (16 hex, uppercase) of every signature found; unreadable ones are left out.
    static func issuers(in signature: RPMHeader.Tags) -> [String] {
        var packets = binaryTags.compactMap { signature.binary($0).map { [UInt8]($0) } }
        packets += signature.strings(openPGPTag).compactMap { Data(base64Encoded: $0).map { [UInt8]($0) } }
        var seen: [String] = []
        for packet in packets {
            if let id = OpenPGPSignaturePacket.issuer(packet), !seen.contains(id) { seen.append(id) }
        }
        return seen
    }
}

/// Reads the issuer of one OpenPGP signature packet (RFC 4880 / 9580): the key id of a v3
/// signature, or the issuer (16) or issuer-fingerprint (33) subpacket of a v4/v5/v6 one.
enum OpenPGPSignaturePacket {
    static func issuer(_ p: [UInt8]) -> String? {
        guard let body = signatureBody(p), let version = body.first else { return nil }
        switch version {
        case 3:
            // version, 5, type, time (4), key id (8), …
            guard body.count >= 15, body[1] == 5 else { return nil }
            return hex(body[7..<15])
        case 4, 5, 6:
            let wide = version != 4  // 4-byte subpacket area lengths
            var position = 4
            var issuer: String?
            var fromFingerprint: String?
            for _ in 0..<2 {  // the hashed, then the unhashed subpacket area
                let lengthSize = wide ? 4 : 2
                guard position + lengthSize <= body.count else { return issuer ?? fromFingerprint }
                var length = 0
                for i in 0..<lengthSize { length = length << 8 | Int(body[position + i]) }
                position += lengthSize
                let end = position + length
                guard end <= body.count else { return issuer ?? fromFingerprint }
                var q = position
                while q < end {
                    guard let (size, header) = subpacketLength(body, q), size > 0, q + header + size <= end else {
                        break
                    }
                    let type = body[q + header] & 0x7F
                    let data = body[(q + header + 1)..<(q + header + size)]
                    if type == 16, data.count == 8 {
                        issuer = issuer ?? hex(data)
                    } else if type == 33, let fprVersion = data.first {
                        let fpr = data.dropFirst()
                        if fprVersion == 4, fpr.count == 20 {
                            fromFingerprint = fromFingerprint ?? hex(fpr.suffix(8))
                        } else if fprVersion >= 5, fpr.count == 32 {
                            fromFingerprint = fromFingerprint ?? hex(fpr.prefix(8))
                        }
                    }
                    q += header + size
                }
                position = end
            }
            return issuer ?? fromFingerprint
        default:
            return nil
        }
    }

    /// The body of a signature packet (tag 2), old or new format; nil otherwise.
    static func signatureBody(_ p: [UInt8]) -> [UInt8]? {
        guard let first = p.first, first & 0x80 != 0 else { return nil }
        var start: Int
        var length: Int
        if first & 0x40 != 0 {
            guard first & 0x3F == 2, p.count >= 2 else { return nil }
            let l1 = Int(p[1])
            if l1 < 192 {
                (start, length) = (2, l1)
            } else if l1 < 224 {
                guard p.count >= 3 else { return nil }
                (start, length) = (3, ((l1 - 192) << 8) + Int(p[2]) + 192)
            } else if l1 == 255 {
                guard p.count >= 6 else { return nil }
                (start, length) = (6, Int(p[2]) << 24 | Int(p[3]) << 16 | Int(p[4]) << 8 | Int(p[5]))
            } else {
                return nil  // partial lengths are not used for signatures
            }
        } else {
            guard (first >> 2) & 0x0F == 2 else { return nil }
            switch first & 0x03 {
            case 0:
                guard p.count >= 2 else { return nil }
                (start, length) = (2, Int(p[1]))
            case 1:
                guard p.count >= 3 else { return nil }
                (start, length) = (3, Int(p[1]) << 8 | Int(p[2]))
            case 2:
                guard p.count >= 5 else { return nil }
                (start, length) = (5, Int(p[1]) << 24 | Int(p[2]) << 16 | Int(p[3]) << 8 | Int(p[4]))
            default:
                (start, length) = (1, p.count - 1)
            }
        }
        guard start + length <= p.count else { return nil }
        return Array(p[start..<start + length])
    }

    /// A subpacket's (length, bytes of the length field) at `q`.
    static func subpacketLength(_ b: [UInt8], _ q: Int) -> (Int, Int)? {
        guard q < b.endIndex else { return nil }
        let l1 = Int(b[q])
        if l1 < 192 { return (l1, 1) }
        if l1 < 255 {
            guard q + 1 < b.endIndex else { return nil }
            return (((l1 - 192) << 8) + Int(b[q + 1]) + 192, 2)
        }
        guard q + 4 < b.endIndex else { return nil }
        return (Int(b[q + 1]) << 24 | Int(b[q + 2]) << 16 | Int(b[q + 3]) << 8 | Int(b[q + 4]), 5)
    }

    static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        bytes.map { String(format: "%02X", $0) }.joined()
    }
}
