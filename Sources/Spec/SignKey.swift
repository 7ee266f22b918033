import Crypto

/// A signing key (`sign-keys/*.yml`): its ids, its ASCII-armored public key (inline or in a
/// file next to the YAML) and the platforms whose builds it may sign. The private part never
/// lives in git.
package struct SignKey: Sendable, Hashable, Codable {
    package var name: String
    package var description: String
    /// 16 hex digits (the long key id).
    package var keyid: String
    /// 40 hex digits.
    package var fingerprint: String
    package var publicURL: String
    /// The ASCII-armored OpenPGP public key, checked against `keyid` and `fingerprint` by
    /// `kiln validate`; what signed packages are verified with.
    package var publicKey: String
    /// Names of the platforms whose builds this key may sign.
    package var platforms: [String]
    /// An inactive key gets no new sign tasks (ALBS `active`).
    package var active: Bool
    /// The sign node also signs the files inside the packages (ALBS `add_files_signature`).
    package var signFiles: Bool
    /// Where it is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, description: String, keyid: String, fingerprint: String,
        publicURL: String, publicKey: String = "", platforms: [String] = [], active: Bool = true,
        signFiles: Bool = false, location: SourceLocation? = nil
    ) {
        self.name = name
        self.description = description
        self.keyid = keyid
        self.fingerprint = fingerprint
        self.publicURL = publicURL
        self.publicKey = publicKey
        self.platforms = platforms
        self.active = active
        self.signFiles = signFiles
        self.location = location
    }

    /// How a plan shows the public key: its size and sha256, never the armored text.
    package var publicKeySummary: String {
        guard !publicKey.isEmpty else { return "(none)" }
        let digest = SHA256.hash(data: Array(publicKey.utf8)).prefix(8).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }
        return "armored, \(publicKey.utf8.count) bytes, sha256 \(digest.joined())…"
    }

    /// ALBS field names (the plan JSON shows records with them).
    private enum CodingKeys: String, CodingKey {
        case name, description, keyid, fingerprint
        case publicURL = "public_url"
        case publicKey = "public_key"
        case platforms, active
        case signFiles = "sign_files"
        case location
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            description: try c.decode(String.self, forKey: .description),
            keyid: try c.decode(String.self, forKey: .keyid),
            fingerprint: try c.decode(String.self, forKey: .fingerprint),
            publicURL: try c.decode(String.self, forKey: .publicURL),
            publicKey: try c.decodeIfPresent(String.self, forKey: .publicKey) ?? "",
            platforms: try c.decodeIfPresent([String].self, forKey: .platforms) ?? [],
            active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true,
            signFiles: try c.decodeIfPresent(Bool.self, forKey: .signFiles) ?? false,
            location: try c.decodeIfPresent(SourceLocation.self, forKey: .location))
    }
}
