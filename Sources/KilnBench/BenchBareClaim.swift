import Foundation
import PostgresNIO
import Statuses

/// The bare claim of `kiln bench dispatch`: the same `UPDATE … WHERE id = (SELECT … FOR UPDATE
/// SKIP LOCKED)` a `get_task` claim makes, returning only the id (no answer built): the floor
/// any `get_task` is compared with (same predicate and `id + 0` order, so the same index). A
/// named prepared statement, as the server's claim is.
/// Written here, not taken from `TaskClaims`, so it stays the same while the claim path changes.
struct BenchBareClaimStatement: PostgresPreparedStatement {
    static let name = "kiln_bench_bare_claim"
    static let sql = """
        UPDATE build_tasks SET status = \(BuildTaskStatus.started.rawValue), ts = $3, node = $2,
               attempts = attempts + 1, started_at = $3
        WHERE id = (SELECT id FROM build_tasks WHERE status = \(BuildTaskStatus.idle.rawValue) AND pending_deps = 0
                    AND arch = $1 ORDER BY id + 0 LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id
        """
    typealias Row = Int64

    var arch: String
    var node: String
    var now: Date

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(arch)
        bindings.append(node)
        bindings.append(now)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }

    /// Claims one task; its id, or nil when none is ready.
    static func claim(_ client: PostgresClient, arch: String, node: String, logger: Logger) async throws -> Int64? {
        for try await id in try await client.execute(Self(arch: arch, node: node, now: Date()), logger: logger) {
            return id
        }
        return nil
    }
}
