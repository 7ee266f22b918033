import Logging
import PostgresNIO

/// Read-side queries of the desired-state API (`GET /api/v1/platforms/`, ...): each answer is
/// rendered as JSON by PostgreSQL in one query, with the ALBS fields plus `origin` and
/// `commit_sha` (the commit that last wrote the row).
///
///     let json = try await DesiredStateQueries(client: client).platformsJSON()
public struct DesiredStateQueries: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.desired-state-queries")) {
        self.client = client
        self.logger = logger
    }

    /// The JSON object of one repository row `r` (SQL fragment).
    static let repositoryObject = """
        json_build_object('id', r.id, 'name', r.name, 'arch', r.arch, 'url', r.url, 'type', r.type,
          'debug', r.debug, 'production', r.production, 'pulp_href', r.pulp_href,
          'origin', r.origin, 'commit_sha', r.commit_sha)
        """

    /// Every platform with its repositories, ordered by id: a JSON array.
    public func platformsJSON() async throws -> String {
        try await single("""
            SELECT coalesce(json_agg(json_build_object(
              'id', p.id, 'name', p.name, 'type', p.type, 'distr_type', p.distr_type,
              'distr_version', p.distr_version, 'test_dist_name', p.test_dist_name,
              'arch_list', p.arch_list, 'data', p.data,
              'repos', coalesce((SELECT json_agg(\(Self.repositoryObject) ORDER BY r.id)
                                 FROM platform_repositories pr JOIN repositories r ON r.id = pr.repository_id
                                 WHERE pr.platform_id = p.id), '[]'::json),
              'origin', p.origin, 'commit_sha', p.commit_sha) ORDER BY p.id), '[]'::json)::text
            FROM platforms p
            """) ?? "[]"
    }

    /// Every distribution with its platforms (id, name, arch_list), ordered by id: a JSON array.
    public func distributionsJSON() async throws -> String {
        try await single("""
            SELECT coalesce(json_agg(json_build_object(
              'id', d.id, 'name', d.name,
              'platforms', coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name,
                                                                      'arch_list', p.arch_list) ORDER BY p.id)
                                     FROM distribution_platforms dp JOIN platforms p ON p.id = dp.platform_id
                                     WHERE dp.distribution_id = d.id), '[]'::json),
              'origin', d.origin, 'commit_sha', d.commit_sha) ORDER BY d.id), '[]'::json)::text
            FROM distributions d
            """) ?? "[]"
    }

    /// Every repository (desired-state and build ones, as ALBS lists them), ordered by id: a JSON array.
    public func repositoriesJSON() async throws -> String {
        try await single("""
            SELECT coalesce(json_agg(\(Self.repositoryObject) ORDER BY r.id), '[]'::json)::text FROM repositories r
            """) ?? "[]"
    }

    /// One repository as a JSON object, nil when absent.
    public func repositoryJSON(id: Int64) async throws -> String? {
        let rows = try await client.query("""
            SELECT json_build_object('id', r.id, 'name', r.name, 'arch', r.arch, 'url', r.url, 'type', r.type,
              'debug', r.debug, 'production', r.production, 'pulp_href', r.pulp_href,
              'origin', r.origin, 'commit_sha', r.commit_sha)::text
            FROM repositories r WHERE r.id = \(id)
            """, logger: logger)
        for try await text in rows.decode(String.self) { return text }
        return nil
    }

    /// Every sign key, ordered by id: a JSON array.
    public func signKeysJSON() async throws -> String {
        try await single("""
            SELECT coalesce(json_agg(json_build_object(
              'id', k.id, 'name', k.name, 'description', k.description, 'keyid', k.keyid,
              'fingerprint', k.fingerprint, 'public_url', k.public_url, 'inserted', k.inserted,
              'origin', k.origin, 'commit_sha', k.commit_sha) ORDER BY k.id), '[]'::json)::text
            FROM sign_keys k
            """) ?? "[]"
    }

    /// The name and origin of platform `id`, nil when absent.
    public func platform(id: Int64) async throws -> (name: String, origin: String)? {
        let rows = try await client.query("SELECT name, origin FROM platforms WHERE id = \(id)", logger: logger)
        for try await (name, origin) in rows.decode((String, String).self) { return (name, origin) }
        return nil
    }

    /// The name and origin of sign key `id`, nil when absent.
    public func signKey(id: Int64) async throws -> (name: String, origin: String)? {
        let rows = try await client.query("SELECT name, origin FROM sign_keys WHERE id = \(id)", logger: logger)
        for try await (name, origin) in rows.decode((String, String).self) { return (name, origin) }
        return nil
    }

    /// The first column of the first row of `sql` (a statement without binds).
    func single(_ sql: String) async throws -> String? {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        for try await text in rows.decode(String?.self) { return text }
        return nil
    }
}
