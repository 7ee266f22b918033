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

    enum CodingKeys: String, CodingKey {
        case id, name, description, keyid, fingerprint
        case publicURL = "public_url"
        case inserted, origin
        case commitSHA = "commit_sha"
    }
}

extension SignKeyAnswer {
    package init(_ row: DesiredStateQueries.SignKeyRow) {
        self.init(
            id: row.id, name: row.name, description: row.description, keyid: row.keyid,
            fingerprint: row.fingerprint, publicURL: row.publicURL, inserted: row.inserted,
            origin: row.origin, commitSHA: row.commitSHA)
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
