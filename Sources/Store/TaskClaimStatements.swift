import Foundation
import PostgresNIO

/// A claim statement bound as `$1 = arch, $2 = node, $3 = now` (the lease clock's time),
/// `$4 = repository arch` (the arch whose repositories the answer lists: the task's own, or for
/// a `src` task the node's first other arch, as ALBS does), decoding the `get_task` answer as JSON text.
protocol ArchNodeClaim: PostgresPreparedStatement where Row == String {
    var arch: String { get }
    var node: String { get }
    var now: Date { get }
    var repositoryArch: String { get }
}

extension ArchNodeClaim {
    /// `$1 = arch, $2 = node, $3 = now, $4 = repository arch`.
    var archNodeBindings: PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(arch)
        bindings.append(node)
        bindings.append(now)
        bindings.append(repositoryArch)
        return bindings
    }

    func makeBindings() throws -> PostgresBindings { archNodeBindings }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The claim statements as named prepared statements: parsed and planned once per connection,
/// not on every `get_task` (planning the answer query cost more than running it).
/// `TaskClaims.claim` and the benchmark's `TaskClaims.claimRaw` run this same statement.
struct ClaimTaskStatement: ArchNodeClaim {
    static let name = "kiln_claim_task"
    static let sql = TaskClaims.claimSQL
    typealias Row = String
    var arch: String
    var node: String
    var now: Date
    var repositoryArch: String
}

/// `ClaimTaskStatement` leaving the tasks of `excluded` packages (`$5`) for other nodes.
struct ClaimTaskExcludingStatement: ArchNodeClaim {
    static let name = "kiln_claim_task_excluding"
    static let sql = TaskClaims.claimExcludingSQL
    typealias Row = String
    var arch: String
    var node: String
    var now: Date
    var repositoryArch: String
    var excluded: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = archNodeBindings
        bindings.append(excluded)
        return bindings
    }
}

/// Computes, stores and renders the per-build half of the `get_task` answer for a task the
/// claim just took whose build × platform × arch had no current one (`TaskClaims.fillSQL`).
struct FillAnswerStatement: PostgresPreparedStatement {
    static let name = "kiln_fill_claim_answer"
    static let sql = TaskClaims.fillSQL
    typealias Row = String
    var taskID: Int64
    /// The arch whose repositories the answer lists (`$2`).
    var repositoryArch: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(taskID)
        bindings.append(repositoryArch)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
