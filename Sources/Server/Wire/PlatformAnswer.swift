import Foundation
import Hummingbird
import Spec
import Statuses
import Store

/// A platform as `GET /api/v1/platforms/` lists it, with its repositories.
package struct PlatformAnswer: Codable, Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var type: String
    package var distrType: String
    package var distrVersion: String
    package var testDistName: String
    package var archList: [String]
    package var data: [String: JSONValue]
    package var repos: [RepositoryAnswer]
    package var origin: Origin
    @Nullable package var commitSHA: String?

    enum CodingKeys: String, CodingKey {
        case id, name, type
        case distrType = "distr_type"
        case distrVersion = "distr_version"
        case testDistName = "test_dist_name"
        case archList = "arch_list"
        case data, repos, origin
        case commitSHA = "commit_sha"
    }
}

extension PlatformAnswer {
    /// The answer for a stored platform; `data` is parsed from its stored JSON.
    package init(_ row: DesiredStateQueries.PlatformRow) throws {
        self.init(
            id: row.id, name: row.name, type: row.type, distrType: row.distrType, distrVersion: row.distrVersion,
            testDistName: row.testDistName, archList: row.archList,
            data: try JSONDecoder().decode([String: JSONValue].self, from: Data(row.dataJSON.utf8)),
            repos: row.repositories.map { RepositoryAnswer($0) }, origin: row.origin, commitSHA: row.commitSHA)
    }
}

/// `POST /api/v1/platforms/` body (ALBS `PlatformCreate`).
struct PlatformCreateBody: Codable {
    enum PlatformType: String, Codable { case rpm, deb }
    var name: String
    var type: PlatformType
    var distrType: String
    var distrVersion: String
    var testDistName: String
    var archList: [String]
    var repos: [RepositoryBody]?
    var data: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case name, type
        case distrType = "distr_type"
        case distrVersion = "distr_version"
        case testDistName = "test_dist_name"
        case archList = "arch_list"
        case repos, data
    }
}

/// `PUT /api/v1/platforms/` body (ALBS `PlatformModify`): only `name` is required.
struct PlatformModifyBody: Codable {
    var name: String
    var type: PlatformCreateBody.PlatformType?
    var distrType: String?
    var distrVersion: String?
    var testDistName: String?
    var archList: [String]?
    var repos: [RepositoryBody]?
    var data: [String: JSONValue]?

    typealias CodingKeys = PlatformCreateBody.CodingKeys
}

/// A repository inside a platform write body.
struct RepositoryBody: Codable {
    var name: String
    var arch: String
    var url: String
    var type: String
    var debug: Bool?
    var production: Bool?
}
