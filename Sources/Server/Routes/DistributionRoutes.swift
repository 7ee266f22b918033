import Hummingbird
import Store

/// `/api/v1/distributions`: `GET /` (public, as in ALBS) lists distributions with their
/// platforms; `POST /` (user token) validates its body and answers 409 naming the git file.
func addDistributionRoutes(to distributions: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries,
                           git: GitManaged) {
    distributions.get("/") { _, _ -> Response in
        desiredStateJSON(try await queries.distributionsJSON())
    }

    distributions.post("/") { request, context -> Response in
        try context.requireScope(.user)
        let body = try await RequestBody.decode(DistributionCreateBody.self, from: request)
        throw git.conflict(kind: "distributions", folder: "distributions", name: body.name)
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
        let fields = keyed.contains(.distribution)
            ? try keyed.decode(Fields.self, forKey: .distribution)
            : try Fields(from: decoder)
        name = fields.name
        platforms = fields.platforms
    }
}
