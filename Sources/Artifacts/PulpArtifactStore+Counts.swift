import NIOHTTP1

extension PulpArtifactStore {
    /// The count of a content list filtered on the latest version (one page of one item).
    package func contentCount(of repository: String) async throws -> Int {
        let (kind, repo) = try await requireRepo(repository)
        guard let version = repo.latestVersionHref else { return 0 }
        let page = try await client.json(
            PulpPage<PulpHrefObject>.self, .GET,
            client.url(kind.content, query: [("repository_version", version), ("limit", "1"), ("fields", "pulp_href")]))
        return page.count
    }
}

/// A Pulp object read for its href alone.
struct PulpHrefObject: Decodable, Sendable {
    var pulpHref: String?
    enum CodingKeys: String, CodingKey {
        case pulpHref = "pulp_href"
    }
}
