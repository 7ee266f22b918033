import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Reconciler
import Server
import Store
import XCTest

/// `POST /api/v1/reconcile` and the reconcile runs listing.
final class ReconcileRoutesTests: XCTestCase {
    func testReconcileNeedsAdminAndRecordsRuns() async throws {
        try await DesiredStateHarness.with { h in
            let user = try await h.token(.user)
            let admin = try await h.token(.admin, name: "root")
            let node = try await h.token(.node, name: "node-1")

            let anonymous = try await h.call(.POST, "/api/v1/reconcile")
            XCTAssertEqual(anonymous.status, 401)
            XCTAssertNotNil(anonymous.detail)
            let asUser = try await h.call(.POST, "/api/v1/reconcile", token: user)
            XCTAssertEqual(asUser.status, 403)
            XCTAssertEqual(asUser.detail, "This endpoint needs an admin token, not a user token")
            let v1 = try await h.call(.POST, "/api/v1/reconcile", token: node)
            XCTAssertEqual(v1.status, 403)
            let v2 = try await h.count("SELECT count(*) FROM reconcile_runs")
            XCTAssertEqual(v2, 0, "refused calls run nothing")

            let first = try await h.call(.POST, "/api/v1/reconcile", token: admin)
            XCTAssertEqual(first.status, 200, first.text)
            XCTAssertEqual(first.object["result"] as? String, "applied")
            XCTAssertEqual(first.object["trigger"] as? String, "api")
            XCTAssertEqual(first.object["commit_sha"] as? String, h.initialSHA)
            XCTAssertNotNil(first.object["plan"] as? [String: Any])
            let v3 = try await h.count("SELECT count(*) FROM platforms WHERE commit_sha IS NOT NULL")
            XCTAssertEqual(v3, 2)

            let second = try await h.call(.POST, "/api/v1/reconcile/", token: admin)
            XCTAssertEqual(second.status, 200, second.text)
            XCTAssertEqual(second.object["result"] as? String, "no_changes")
            let firstID = try XCTUnwrap(first.object["id"] as? Int)
            let secondID = try XCTUnwrap(second.object["id"] as? Int)
            XCTAssertGreaterThan(secondID, firstID)

            // listing: newest first, no plans, paginated
            let v4 = try await h.call(.GET, "/api/v1/reconcile/runs")
            XCTAssertEqual(v4.status, 401)
            let runs = try await h.call(.GET, "/api/v1/reconcile/runs", token: user)
            XCTAssertEqual(runs.status, 200, runs.text)
            let list = try XCTUnwrap(runs.object["runs"] as? [[String: Any]])
            XCTAssertEqual(list.compactMap { $0["id"] as? Int }, [secondID, firstID])
            XCTAssertEqual(list.compactMap { $0["result"] as? String }, ["no_changes", "applied"])
            XCTAssertNil(list.first?["plan"])
            XCTAssertNotNil(list.first?["duration_ms"] as? Int)
            XCTAssertEqual(runs.object["total_runs"] as? Int, 2)
            XCTAssertEqual(runs.object["current_page"] as? Int, 1)
            let page2 = try await h.call(.GET, "/api/v1/reconcile/runs?page=2", token: user)
            XCTAssertEqual(page2.status, 200)
            XCTAssertEqual((page2.object["runs"] as? [Any])?.count, 0)
            let badPage = try await h.call(.GET, "/api/v1/reconcile/runs?page=zero", token: user)
            XCTAssertEqual(badPage.status, 422)
            XCTAssertEqual(badPage.detail, "page must be a positive integer, got 'zero'")

            // one run, with its plan
            let detail = try await h.call(.GET, "/api/v1/reconcile/runs/\(firstID)", token: user)
            XCTAssertEqual(detail.status, 200, detail.text)
            XCTAssertEqual(detail.object["commit_sha"] as? String, h.initialSHA)
            XCTAssertEqual(detail.object["trigger"] as? String, "api")
            XCTAssertEqual(detail.object["errors"] as? [String], [])
            XCTAssertNotNil(detail.object["started_at"] as? String)
            XCTAssertNotNil(detail.object["finished_at"] as? String)
            let plan = try XCTUnwrap(detail.object["plan"] as? [String: Any])
            XCTAssertFalse(plan.isEmpty)
            let missing = try await h.call(.GET, "/api/v1/reconcile/runs/4242", token: user)
            XCTAssertEqual(missing.status, 404)
            XCTAssertEqual(missing.detail, "Reconcile run 4242 not found")
            let v5 = try await h.call(.GET, "/api/v1/reconcile/runs/x", token: user)
            XCTAssertEqual(v5.status, 422)
        }
    }

    /// Another process holding the advisory lock: the run is recorded as skipped.
    func testReconcileSkipsWhileAnotherHoldsTheLock() async throws {
        try await DesiredStateHarness.with { h in
            let admin = try await h.token(.admin, name: "root")
            let answer = try await ReconcileRunStore(client: h.client).withReconcileLock {
                try await h.call(.POST, "/api/v1/reconcile", token: admin)
            }
            let skipped = try XCTUnwrap(answer)
            XCTAssertEqual(skipped.status, 200, skipped.text)
            XCTAssertEqual(skipped.object["result"] as? String, "skipped")
            XCTAssertTrue(
                (skipped.object["errors"] as? [String])?.first?.contains("another reconcile") == true, skipped.text)
            let v6 = try await h.count("SELECT count(*) FROM platforms")
            XCTAssertEqual(v6, 0, "a skipped run writes nothing")
            let after = try await h.call(.POST, "/api/v1/reconcile", token: admin)
            XCTAssertEqual(after.object["result"] as? String, "applied", after.text)
        }
    }

    /// A run slower than the quick wait answers 202 with its id, and finishes afterwards.
    func testSlowReconcileAnswers202WithRunID() async throws {
        try await DesiredStateHarness.with { h in
            let admin = try await h.token(.admin, name: "root")
            // Another session locks the tables the reconcile reads, for longer than the 2 s wait.
            let answer = try await h.client.withTransaction(logger: DesiredStateHarness.logger) { conn in
                try await conn.query(
                    "LOCK TABLE repositories, platforms IN ACCESS EXCLUSIVE MODE", logger: DesiredStateHarness.logger)
                return try await h.call(.POST, "/api/v1/reconcile", token: admin)
            }
            XCTAssertEqual(answer.status, 202, answer.text)
            XCTAssertEqual(answer.object["status"] as? String, "running")
            let runID = try XCTUnwrap(answer.object["run_id"] as? Int, answer.text)
            let deadline = ContinuousClock.now + .seconds(20)
            var result: String?
            while ContinuousClock.now < deadline {
                let run = try await h.call(.GET, "/api/v1/reconcile/runs/\(runID)", token: admin)
                result = run.object["result"] as? String
                if result != "running" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            XCTAssertEqual(result, "applied")
            let platforms = try await h.count("SELECT count(*) FROM platforms")
            XCTAssertEqual(platforms, 2)
        }
    }

    /// Without a configured repository the endpoint says so.
    func testReconcileWithoutRepositoryIs503() async throws {
        try await DesiredStateHarness.with(withLoop: false) { h in
            let admin = try await h.token(.admin, name: "root")
            let answer = try await h.call(.POST, "/api/v1/reconcile", token: admin)
            XCTAssertEqual(answer.status, 503)
            XCTAssertTrue(answer.detail?.contains("--repo") == true, answer.text)
        }
    }
}
