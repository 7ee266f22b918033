import Foundation
import Spec
import Statuses

extension DesiredStateQueries {
    /// A repository as the API lists it.
    package struct RepositoryRow: Sendable, Equatable {
        package var id: Int64
        package var name: String
        package var arch: String
        package var url: String
        package var type: String
        package var debug: Bool
        package var production: Bool
        package var pulpHref: String?
        package var origin: Origin
        /// The commit that last wrote the row.
        package var commitSHA: String?
        /// `sync:` as declared in git (nil: none declared, the defaults apply).
        package var sync: RepositorySync? = nil
    }

    /// A platform with its repositories.
    package struct PlatformRow: Sendable, Equatable {
        package var id: Int64
        package var name: String
        package var type: String
        package var distrType: String
        package var distrVersion: String
        package var testDistName: String
        package var archList: [String]
        /// `platforms.data` as JSON text (a free-form object).
        package var dataJSON: String
        /// Ordered by id.
        package var repositories: [RepositoryRow]
        package var origin: Origin
        package var commitSHA: String?
        /// Builds on the platform get no test tasks.
        package var skipTests: Bool = false
        /// Releases need the builds' tests passed.
        package var releaseRequiresTests: Bool = false
    }

    /// A platform as a distribution lists it.
    package struct DistributionPlatformRow: Sendable, Equatable {
        package var id: Int64
        package var name: String
        package var archList: [String]
    }

    /// A distribution with its platforms.
    package struct DistributionRow: Sendable, Equatable {
        package var id: Int64
        package var name: String
        /// Ordered by id.
        package var platforms: [DistributionPlatformRow]
        package var origin: Origin
        package var commitSHA: String?
    }

    /// A sign key.
    package struct SignKeyRow: Sendable, Equatable {
        package var id: Int64
        package var name: String
        package var description: String
        package var keyid: String
        package var fingerprint: String
        package var publicURL: String
        package var inserted: Date
        package var origin: Origin
        package var commitSHA: String?
        package var active: Bool
        /// When the key was made inactive; nil while active.
        package var archived: Date?
        /// The platforms it may sign builds of.
        package var platformIDs: [Int64]
    }

    /// One reconcile run (`reconcile_runs`).
    package struct ReconcileRunRecord: Sendable, Equatable {
        package var id: Int64
        package var startedAt: Date
        package var finishedAt: Date?
        package var commitSHA: String?
        /// `timer`, `webhook`, `api` or `cli`.
        package var trigger: String
        package var result: ReconcileRunResult
        package var errors: [String]
        package var durationMS: Int?
        /// The plan as JSON text; nil until planned, and in listings (which leave plans out).
        package var planJSON: String?
    }

    /// A page of reconcile runs, newest first.
    package struct ReconcileRunsPage: Sendable, Equatable {
        package var runs: [ReconcileRunRecord]
        package var totalRuns: Int
        package var page: Int
        package var pageSize: Int
    }
}
