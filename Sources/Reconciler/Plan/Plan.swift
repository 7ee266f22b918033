import Foundation
import Spec

/// A reconcile plan: the changes that bring the actual state (PostgreSQL + artifact store)
/// to the desired state of one commit. Computed without side effects; apply takes this value.
///
///     let plan = Planner.plan(desired: state, actual: actual, commitSHA: sha)
///     print(plan.renderText())
package struct Plan: Sendable, Hashable, Codable {
    /// The commit the desired state was read at.
    package var commitSHA: String
    /// sha256 over the actual state the plan was computed from (see `ActualState.fingerprint`).
    package var fingerprint: String
    /// Changes in apply order: creates and updates by kind, then deletions in reverse kind order.
    package var changes: [Change]
    /// Syncs from upstream due when the plan was made (`# sync due`): shown for review, run by
    /// `reconcile` after its apply. Not changes (`hasChanges` ignores them) and not part of the
    /// fingerprint: time passing does not make a reviewed plan stale.
    package var syncsDue: [SyncDue] = []

    enum CodingKeys: String, CodingKey {
        case commitSHA = "commit_sha"
        case fingerprint, changes
        case syncsDue = "syncs_due"
    }

    /// Decodes; `syncs_due` may be absent (plans saved before it existed).
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        commitSHA = try c.decode(String.self, forKey: .commitSHA)
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
        changes = try c.decode([Change].self, forKey: .changes)
        syncsDue = try c.decodeIfPresent([SyncDue].self, forKey: .syncsDue) ?? []
    }

    package init(commitSHA: String, fingerprint: String, changes: [Change]) {
        self.commitSHA = commitSHA
        self.fingerprint = fingerprint
        self.changes = Plan.ordered(changes)
    }

    /// Objects to create.
    package var toAdd: Int { changes.count { $0.action == .create } }
    /// Objects to update in place.
    package var toChange: Int { changes.count { $0.action == .update } }
    /// Objects to delete.
    package var toDestroy: Int { changes.count { $0.action == .delete } }
    /// True when apply would change something (kept objects are not changes).
    package var hasChanges: Bool { changes.contains { $0.action != .keep } }

    /// Changes of one kind, in plan order.
    package func changes(of kind: ResourceKind) -> [Change] { changes.filter { $0.kind == kind } }

    /// Creates and updates by kind order, then kept objects, then deletions in reverse kind order.
    static func ordered(_ changes: [Change]) -> [Change] {
        func rank(_ c: Change) -> (Int, Int, String) {
            switch c.action {
            case .create, .update: (0, c.kind.order, c.name)
            case .keep: (1, c.kind.order, c.name)
            case .delete: (2, -c.kind.order, c.name)
            }
        }
        return changes.sorted { rank($0) < rank($1) }
    }
}

extension Plan {
    /// The plan as JSON with sorted keys (stable bytes: what `--format json` and `--out` write).
    package func jsonData(pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a plan written by `jsonData()`.
    package static func decode(_ data: Data) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: data)
    }
}
