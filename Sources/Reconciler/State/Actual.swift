import Spec
import Statuses

/// One object as it exists now: its record (the same type the desired state declares:
/// `Spec.Platform`, `Spec.Repository`, ...) plus what only the actual side knows.
///
///     let busy = Actual(platform, origin: .git, usedBy: ["used by 3 build task(s)"])
package struct Actual<Record: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    package var record: Record
    /// Who last wrote it: the reconciler from git, or the HTTP API.
    package var origin: Origin
    /// Why it may not be deleted (`used by 3 build task(s)`, `release "x" targets it`).
    package var usedBy: [String]
    /// Why it may be neither changed nor deleted (a release no longer scheduled: only its
    /// `state` may still change, `Planner.reconcileReleases`); nil when it may.
    package var frozen: String?

    package init(_ record: Record, origin: Origin = .git, usedBy: [String] = [], frozen: String? = nil) {
        self.record = record
        self.origin = origin
        self.usedBy = usedBy
        self.frozen = frozen
    }
}

extension Actual where Record == ReleasePlan {
    /// A release: only a scheduled one may be changed or deleted (any one may change `state`).
    package init(_ release: ReleasePlan, origin: Origin, status: ReleaseStatus) {
        let frozen: String? =
            status == .scheduled
            ? nil
            : "release is \(Self.describe(status)); only a scheduled release is changed or deleted"
        self.init(release, origin: origin, frozen: frozen)
    }

    static func describe(_ status: ReleaseStatus) -> String {
        switch status {
        case .scheduled: "scheduled"
        case .inProgress: "in progress"
        case .completed: "completed"
        case .failed: "failed"
        case .reverted: "reverted"
        }
    }
}
