import Foundation
import Hummingbird
import Statuses
import Store

/// A sign key as `GET /api/v1/sign-keys/` lists it.
package struct SignKeyAnswer: Codable, Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var description: String
    package var keyid: String
    package var fingerprint: String
    package var publicURL: String
    package var inserted: Date
    package var origin: Origin
    @Nullable package var commitSHA: String?
    /// An inactive key gets no new sign tasks.
    package var active: Bool
    /// When the key was retired (made inactive in git); null while active.
    @Nullable package var archived: Date?
    /// The platforms whose builds it may sign (declared in git).
    package var platformIDs: [Int64]
    /// ALBS's single `platform_id`: the first of `platform_ids`, null when none.
    @Nullable package var platformID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, name, description, keyid, fingerprint
        case publicURL = "public_url"
        case inserted, origin
        case commitSHA = "commit_sha"
        case active, archived
        case platformIDs = "platform_ids"
        case platformID = "platform_id"
    }
}

extension SignKeyAnswer {
    package init(_ row: DesiredStateQueries.SignKeyRow) {
        self.init(
            id: row.id, name: row.name, description: row.description, keyid: row.keyid,
            fingerprint: row.fingerprint, publicURL: row.publicURL, inserted: row.inserted,
            origin: row.origin, commitSHA: row.commitSHA, active: row.active, archived: row.archived,
            platformIDs: row.platformIDs, platformID: row.platformIDs.first)
    }
}

/// `POST /api/v1/sign-keys/new/` body (ALBS `SignKeyCreate`).
struct SignKeyCreateBody: Codable {
    var name: String
    var description: String
    var keyid: String
    var fingerprint: String
    var publicURL: String

    enum CodingKeys: String, CodingKey {
        case name, description, keyid, fingerprint
        case publicURL = "public_url"
    }
}

/// `PUT /api/v1/sign-keys/{id}/` body (ALBS `SignKeyUpdate`): every field optional.
struct SignKeyUpdateBody: Codable {
    var name: String?
    var description: String?
    var keyid: String?
    var fingerprint: String?
    var publicURL: String?

    enum CodingKeys: String, CodingKey {
        case name, description, keyid, fingerprint
        case publicURL = "public_url"
    }
}
