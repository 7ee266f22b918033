import Foundation
import PostgresNIO

/// Platforms and repositories written straight into PostgreSQL, as the reconciler would.
enum Fixtures {
    /// Creates a platform with `arches` and, per arch, BaseOS + AppStream (+ a debug and a
    /// build_log repository that `get_task` must not offer as mock repositories / at all).
    @discardableResult
    static func platform(_ client: PostgresClient, name: String, arches: [String]) async throws -> Int64 {
        let archJSON = String(decoding: try JSONSerialization.data(withJSONObject: arches), as: UTF8.self)
        let data = #"{"mock": {"chroot_setup_cmd": "install bash"}, "definitions": {"dist": ".\#(name)"}}"#
        var platformID: Int64 = 0
        for try await id in try await client.query(
            """
            INSERT INTO platforms (name, type, distr_type, distr_version, test_dist_name, arch_list, data)
            VALUES (\(name), 'rpm', 'rhel', '9', 'almalinux', \(archJSON)::jsonb, \(data)::jsonb) RETURNING id
            """
        ).decode(Int64.self) { platformID = id }
        for arch in arches {
            for (repo, type, debug) in [
                ("BaseOS", "rpm", false), ("AppStream", "rpm", false), ("BaseOS-debug", "rpm", true),
                ("logs", "build_log", false)
            ] {
                let url = "https://repo.example.org/\(name)/\(repo)/\(arch)/"
                let repoName = "\(name)-\(repo)"
                for try await id in try await client.query(
                    """
                    INSERT INTO repositories (name, arch, url, type, debug) VALUES (\(repoName), \(arch), \(url), \(type), \(debug))
                    RETURNING id
                    """
                ).decode(Int64.self) {
                    try await client.query(
                        "INSERT INTO platform_repositories (platform_id, repository_id) VALUES (\(platformID), \(id))")
                }
            }
        }
        return platformID
    }
}
