import Hummingbird
import Statuses
import Store

/// A repository as `GET /api/v1/repositories/` lists it (ALBS fields plus `origin`, `commit_sha`).
package struct RepositoryAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var id: Int64
    package var name: String
    package var arch: String
    package var url: String
    package var type: String
    package var debug: Bool
    package var production: Bool
    @Nullable package var pulpHref: String?
    package var origin: Origin
    /// The commit that last wrote the row.
    @Nullable package var commitSHA: String?
    /// Kiln's sync of it from upstream: null when it has no remote (production repositories).
    @Nullable package var sync: RepositorySyncAnswer?

    enum CodingKeys: String, CodingKey {
        case id, name, arch, url, type, debug, production
        case pulpHref = "pulp_href"
        case origin
        case commitSHA = "commit_sha"
        case sync
    }
}

extension RepositoryAnswer {
    /// The row as answered; `lastSync` is the latest sync recorded for its store repository.
    package init(_ row: DesiredStateQueries.RepositoryRow, lastSync: RepositorySyncRecord? = nil) {
        self.init(
            id: row.id, name: row.name, arch: row.arch, url: row.url, type: row.type, debug: row.debug,
            production: row.production, pulpHref: row.pulpHref, origin: row.origin, commitSHA: row.commitSHA,
            sync: RepositorySyncAnswer(row, last: lastSync))
    }
}
