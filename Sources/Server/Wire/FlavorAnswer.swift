import Foundation
import Hummingbird
import Spec
import Statuses
import Store

/// A platform flavor as `GET /api/v1/platform_flavors/` lists it (ALBS `FlavourResponse`:
/// id, name, repos, modularity, data; plus `origin` and `commit_sha`).
package struct FlavorAnswer: Codable, Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var repos: [RepositoryAnswer]
    @Nullable package var modularity: [String: JSONValue]?
    @Nullable package var data: [String: JSONValue]?
    package var origin: Origin
    @Nullable package var commitSHA: String?

    enum CodingKeys: String, CodingKey {
        case id, name, repos, modularity, data, origin
        case commitSHA = "commit_sha"
    }
}

extension FlavorAnswer {
    /// The answer for a stored flavor; `modularity` and `data` are parsed from their stored JSON.
    package init(_ row: DesiredStateQueries.FlavorRow) throws {
        let decoder = JSONDecoder()
        self.init(
            id: row.id, name: row.name, repos: row.repositories.map { RepositoryAnswer($0) },
            modularity: try row.modularityJSON.map {
                try decoder.decode([String: JSONValue].self, from: Data($0.utf8))
            },
            data: try decoder.decode([String: JSONValue].self, from: Data(row.dataJSON.utf8)),
            origin: row.origin, commitSHA: row.commitSHA)
    }
}
