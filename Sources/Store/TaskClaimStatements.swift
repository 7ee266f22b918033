import PostgresNIO

/// A claim statement bound as `$1 = arch, $2 = node`, decoding one column.
protocol ArchNodeClaim: PostgresPreparedStatement where Row: PostgresDecodable {
    var arch: String { get }
    var node: String { get }
}

extension ArchNodeClaim {
    /// `$1 = arch, $2 = node`.
    var archNodeBindings: PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(arch)
        bindings.append(node)
        return bindings
    }

    func makeBindings() throws -> PostgresBindings { archNodeBindings }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The claim statements as named prepared statements: parsed and planned once per connection,
/// not on every `get_task` (planning the answer query cost more than running it).
struct ClaimTaskStatement: ArchNodeClaim {
    static let name = "kiln_claim_task"
    static let sql = TaskClaims.claimSQL
    typealias Row = String
    var arch: String
    var node: String
}

/// `ClaimTaskStatement` leaving the tasks of `excluded` packages for other nodes.
struct ClaimTaskExcludingStatement: ArchNodeClaim {
    static let name = "kiln_claim_task_excluding"
    static let sql = TaskClaims.claimExcludingSQL
    typealias Row = String
    var arch: String
    var node: String
    var excluded: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = archNodeBindings
        bindings.append(excluded)
        return bindings
    }
}

/// The bare claim (no answer built): the benchmark's SQL reference.
struct ClaimRawStatement: ArchNodeClaim {
    static let name = "kiln_claim_raw"
    static let sql = """
        UPDATE build_tasks SET status = 1, ts = now(), node = $2, attempts = attempts + 1, started_at = now()
        WHERE id = (SELECT id FROM build_tasks WHERE status = 0 AND pending_deps = 0 AND arch = $1
                    ORDER BY id + 0 LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id
        """
    typealias Row = Int64
    var arch: String
    var node: String
}
