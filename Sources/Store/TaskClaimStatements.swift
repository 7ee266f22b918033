import PostgresNIO

/// The claim statements as named prepared statements: parsed and planned once per connection,
/// not on every `get_task` (planning the answer query cost more than running it).
struct ClaimTaskStatement: PostgresPreparedStatement {
    static let name = "kiln_claim_task"
    static let sql = TaskClaims.claimSQL
    typealias Row = String
    var arch: String
    var node: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(arch)
        bindings.append(node)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

/// `ClaimTaskStatement` leaving the tasks of `excluded` packages for other nodes.
struct ClaimTaskExcludingStatement: PostgresPreparedStatement {
    static let name = "kiln_claim_task_excluding"
    static let sql = TaskClaims.claimExcludingSQL
    typealias Row = String
    var arch: String
    var node: String
    var excluded: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(arch)
        bindings.append(node)
        bindings.append(excluded)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

/// The bare claim (no answer built): the benchmark's SQL reference.
struct ClaimRawStatement: PostgresPreparedStatement {
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

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(arch)
        bindings.append(node)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}
