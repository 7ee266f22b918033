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
    /// The placement plan of every release from git that is planned or has an operation due
    /// (`ReleasePlacer`); a commit or revert is a change. Empty without a release store.
    package var releases: [ReleasePlacement] = []
    /// Builds entering and leaving distributions (their files' `builds:`); each is a change.
    package var distributions: [DistributionChange] = []
    /// The desired records the placements were computed from (a saved plan's apply recomputes
    /// them: a different placement makes the plan stale).
    package var releaseSources: ReleaseSources?
    /// The author of the commit (`Name <email>`), recorded on the releases it commits.
    package var commitAuthor: String?

    enum CodingKeys: String, CodingKey {
        case commitSHA = "commit_sha"
        case fingerprint, changes
        case syncsDue = "syncs_due"
        case releases, distributions
        case releaseSources = "release_sources"
        case commitAuthor = "commit_author"
    }

    /// Decodes; `syncs_due` and the release fields may be absent (plans saved before they existed).
    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        commitSHA = try c.decode(String.self, forKey: .commitSHA)
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
        changes = try c.decode([Change].self, forKey: .changes)
        syncsDue = try c.decodeIfPresent([SyncDue].self, forKey: .syncsDue) ?? []
        releases = try c.decodeIfPresent([ReleasePlacement].self, forKey: .releases) ?? []
        distributions = try c.decodeIfPresent([DistributionChange].self, forKey: .distributions) ?? []
        releaseSources = try c.decodeIfPresent(ReleaseSources.self, forKey: .releaseSources)
        commitAuthor = try c.decodeIfPresent(String.self, forKey: .commitAuthor)
    }

    /// Encodes; the release fields only when there are releases (plans without keep their JSON).
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(commitSHA, forKey: .commitSHA)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(changes, forKey: .changes)
        try c.encode(syncsDue, forKey: .syncsDue)
        if !releases.isEmpty { try c.encode(releases, forKey: .releases) }
        if !distributions.isEmpty { try c.encode(distributions, forKey: .distributions) }
        try c.encodeIfPresent(releaseSources, forKey: .releaseSources)
        try c.encodeIfPresent(commitAuthor, forKey: .commitAuthor)
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
    package var hasChanges: Bool {
        changes.contains { $0.action != .keep } || releases.contains { $0.operation.changes } || !distributions.isEmpty
    }

    /// Releases to commit whose placement has refusals: such a plan is not applied.
    package var refusedReleases: [ReleasePlacement] {
        releases.filter { $0.operation == .commit && !$0.refusals.isEmpty }
    }

    /// Builds to add to a distribution whose placement has refusals: such a plan is not applied.
    package var refusedDistributionBuilds: [DistributionChange] {
        distributions.filter { $0.operation == .add && !$0.refusals.isEmpty }
    }

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
