import Foundation
import Hummingbird
import Spec
import Statuses
import Store

/// One reconcile run with its plan: `GET /api/v1/reconcile/runs/{id}` and `POST /api/v1/reconcile`.
/// On the wire: every field of ``ReconcileRunSummaryAnswer`` and `plan` beside them.
package struct ReconcileRunAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    /// The run's fields as a listing shows them.
    package var run: ReconcileRunSummaryAnswer
    /// The plan (null until planned).
    package var plan: JSONValue?

    enum CodingKeys: String, CodingKey {
        case plan
    }

    package init(run: ReconcileRunSummaryAnswer, plan: JSONValue?) {
        self.run = run
        self.plan = plan
    }

    package init(from decoder: any Decoder) throws {
        run = try ReconcileRunSummaryAnswer(from: decoder)
        let plan = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(JSONValue.self, forKey: .plan)
        self.plan = plan == .null ? nil : plan
    }

    package func encode(to encoder: any Encoder) throws {
        try run.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(plan ?? .null, forKey: .plan)
    }
}

/// A reconcile run in a listing: `ReconcileRunAnswer` without the plan.
package struct ReconcileRunSummaryAnswer: Codable, Sendable, Equatable {
    package var id: Int64
    package var startedAt: Date
    @Nullable package var finishedAt: Date?
    @Nullable package var commitSHA: String?
    package var trigger: String
    package var result: ReconcileRunResult
    package var errors: [String]
    @Nullable package var durationMS: Int?

    enum CodingKeys: String, CodingKey {
        case id
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case commitSHA = "commit_sha"
        case trigger, result, errors
        case durationMS = "duration_ms"
    }
}

/// `GET /api/v1/reconcile/runs?page=N`: runs newest first, without plans.
package struct ReconcileRunsPageAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var runs: [ReconcileRunSummaryAnswer]
    package var totalRuns: Int
    package var currentPage: Int
    package var pageSize: Int

    enum CodingKeys: String, CodingKey {
        case runs
        case totalRuns = "total_runs"
        case currentPage = "current_page"
        case pageSize = "page_size"
    }
}

/// `202` of `POST /api/v1/reconcile` when the run takes longer than the quick wait.
package struct ReconcileRunningAnswer: Codable, Sendable, Equatable {
    package var status: String
    @Nullable package var runID: Int64?
    package var detail: String

    enum CodingKeys: String, CodingKey {
        case status
        case runID = "run_id"
        case detail
    }
}

extension ReconcileRunAnswer {
    /// The answer for a stored run; the plan is parsed from its stored JSON.
    package init(_ row: DesiredStateQueries.ReconcileRunRecord) throws {
        self.init(
            run: ReconcileRunSummaryAnswer(row),
            plan: try row.planJSON.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) })
    }
}

extension ReconcileRunSummaryAnswer {
    package init(_ row: DesiredStateQueries.ReconcileRunRecord) {
        self.init(
            id: row.id, startedAt: row.startedAt, finishedAt: row.finishedAt, commitSHA: row.commitSHA,
            trigger: row.trigger, result: row.result, errors: row.errors, durationMS: row.durationMS)
    }
}

extension ReconcileRunsPageAnswer {
    package init(_ page: DesiredStateQueries.ReconcileRunsPage) {
        self.init(
            runs: page.runs.map(ReconcileRunSummaryAnswer.init), totalRuns: page.totalRuns,
            currentPage: page.page, pageSize: page.pageSize)
    }
}
