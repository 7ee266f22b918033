/// A signing key (`sign-keys/*.yml`). The private part never lives in git.
package struct SignKey: Sendable, Hashable, Codable {
    package var name: String
    package var description: String
    /// 16 hex digits (the long key id).
    package var keyid: String
    /// 40 hex digits.
    package var fingerprint: String
    package var publicURL: String
    /// Where it is declared; nil for one read back from the database.
    package var location: SourceLocation?

    package init(
        name: String, description: String, keyid: String, fingerprint: String,
        publicURL: String, location: SourceLocation? = nil
    ) {
        self.name = name
        self.description = description
        self.keyid = keyid
        self.fingerprint = fingerprint
        self.publicURL = publicURL
        self.location = location
    }

    /// ALBS field names (the plan JSON shows records with them).
    private enum CodingKeys: String, CodingKey {
        case name, description, keyid, fingerprint
        case publicURL = "public_url"
        case location
    }
}
