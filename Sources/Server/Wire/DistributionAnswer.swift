import Hummingbird
import Statuses
import Store

/// A distribution as `GET /api/v1/distributions/` lists it, with its platforms.
package struct DistributionAnswer: Codable, Sendable, Equatable {
    package struct Platform: Codable, Sendable, Equatable {
        package var id: Int64
        package var name: String
        package var archList: [String]

        enum CodingKeys: String, CodingKey {
            case id, name
            case archList = "arch_list"
        }
    }

    package var id: Int64
    package var name: String
    package var platforms: [Platform]
    package var origin: Origin
    @Nullable package var commitSHA: String?

    enum CodingKeys: String, CodingKey {
        case id, name, platforms, origin
        case commitSHA = "commit_sha"
    }
}

extension DistributionAnswer {
    package init(_ row: DesiredStateQueries.DistributionRow) {
        self.init(
            id: row.id, name: row.name,
            platforms: row.platforms.map { Platform(id: $0.id, name: $0.name, archList: $0.archList) },
            origin: row.origin, commitSHA: row.commitSHA)
    }
}

/// `POST /api/v1/distributions/` body: `{"name", "platforms"}`, or the same wrapped in
/// `{"distribution": {...}}` as the ALBS README shows it.
struct DistributionCreateBody: Decodable {
    var name: String
    var platforms: [String]

    private struct Fields: Decodable {
        var name: String
        var platforms: [String]
    }
    private enum Keys: String, CodingKey { case distribution }

    init(from decoder: any Decoder) throws {
        let keyed = try decoder.container(keyedBy: Keys.self)
        let fields =
            keyed.contains(.distribution)
            ? try keyed.decode(Fields.self, forKey: .distribution)
            : try Fields(from: decoder)
        name = fields.name
        platforms = fields.platforms
    }
}
