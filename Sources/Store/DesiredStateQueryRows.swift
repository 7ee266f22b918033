import Foundation
import Statuses

extension DesiredStateQueries {
    /// A repository as the API lists it.
    public struct RepositoryRow: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var arch: String
        public var url: String
        public var type: String
        public var debug: Bool
        public var production: Bool
        public var pulpHref: String?
        public var origin: Origin
        /// The commit that last wrote the row.
        public var commitSHA: String?
    }

    /// A platform with its repositories.
    public struct PlatformRow: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var type: String
        public var distrType: String
        public var distrVersion: String
        public var testDistName: String
        public var archList: [String]
        /// `platforms.data` as JSON text (a free-form object).
        public var dataJSON: String
        /// Ordered by id.
        public var repositories: [RepositoryRow]
        public var origin: Origin
        public var commitSHA: String?
    }

    /// A platform as a distribution lists it.
    public struct DistributionPlatformRow: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var archList: [String]
    }

    /// A distribution with its platforms.
    public struct DistributionRow: Sendable, Equatable {
        public var id: Int64
        public var name: String
        /// Ordered by id.
        public var platforms: [DistributionPlatformRow]
        public var origin: Origin
        public var commitSHA: String?
    }

    /// A sign key.
    public struct SignKeyRow: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var description: String
        public var keyid: String
        public var fingerprint: String
        public var publicURL: String
        public var inserted: Date
        public var origin: Origin
        public var commitSHA: String?
    }

    /// One reconcile run (`reconcile_runs`).
    public struct ReconcileRunRecord: Sendable, Equatable {
        public var id: Int64
        public var startedAt: Date
        public var finishedAt: Date?
        public var commitSHA: String?
        /// `timer`, `webhook`, `api` or `cli`.
        public var trigger: String
        public var result: ReconcileRunResult
        public var errors: [String]
        public var durationMS: Int?
        /// The plan as JSON text; nil until planned, and in listings (which leave plans out).
        public var planJSON: String?
    }

    /// A page of reconcile runs, newest first.
    public struct ReconcileRunsPage: Sendable, Equatable {
        public var runs: [ReconcileRunRecord]
        public var totalRuns: Int
        public var page: Int
        public var pageSize: Int
    }
}
