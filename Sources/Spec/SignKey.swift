/// A signing key (`sign-keys/*.yml`). The private part never lives in git.
public struct SignKey: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    /// 16 hex digits (the long key id).
    public var keyid: String
    /// 40 hex digits.
    public var fingerprint: String
    public var publicURL: String
    /// Where it is declared; nil for one read back from the database.
    public var location: SourceLocation?

    public init(name: String, description: String, keyid: String, fingerprint: String,
                publicURL: String, location: SourceLocation? = nil) {
        self.name = name; self.description = description; self.keyid = keyid
        self.fingerprint = fingerprint; self.publicURL = publicURL; self.location = location
    }

    /// ALBS field names (the plan JSON shows records with them).
    private enum CodingKeys: String, CodingKey {
        case name, description, keyid, fingerprint, publicURL = "public_url", location
    }
}
