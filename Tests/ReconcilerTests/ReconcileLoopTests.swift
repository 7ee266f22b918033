import Foundation
import GitSource
import KilnTestSupport
import Logging
import PostgresNIO
import Reconciler
import XCTest

final class ReconcileLoopTests: XCTestCase {
    func testLoopFetchesRemoteAppliesOnTriggerAndReportsInvalidState() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-mirror-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        try await TestDatabase.with { client, _ in
            let loop = ReconcileLoop(engine: f.engine(client),
                                     source: .remote(GitRemoteMirror(remote: f.repo.path, cachePath: cache), branch: "main"),
                                     interval: .seconds(3600))
            let first = await loop.reconcileNow(trigger: "api")
            let firstError = await loop.lastError
            XCTAssertEqual(first?.result, .applied, "\(String(describing: firstError))")
            try await expectEqual(try await client.count("SELECT count(*) FROM platforms"), 2)

            // the running service applies a pushed change on trigger (what the webhook calls)
            let service = Task { try await loop.run() }
            defer { service.cancel() }
            try f.repo.write("platforms/extra.yml", ReconcileFixture.platformYAML("Extra"))
            let sha = try f.repo.commit("add Extra")
            loop.trigger(reason: "webhook")
            var found = 0
            for _ in 0..<100 where found == 0 {
                try await Task.sleep(for: .milliseconds(50))
                found = try await client.count("SELECT count(*) FROM platforms WHERE name = 'Extra' AND commit_sha = \(sha)")
            }
            XCTAssertEqual(found, 1)
            try await expectEqual(try await client.count("""
                SELECT count(*) FROM reconcile_runs WHERE trigger = 'webhook' AND result = 'applied' AND commit_sha = \(sha)
                """), 1)

            // an invalid commit is not applied; the error names file:line
            try f.repo.write("platforms/extra.yml", "name: Extra\ntype: rpm\nbogus_key: 1\n")
            _ = try f.repo.commit("broken")
            let broken = await loop.reconcileNow(trigger: "api")
            XCTAssertNil(broken)
            let error = await loop.lastError ?? ""
            XCTAssertTrue(error.contains("platforms/extra.yml:"), error)
            try await expectEqual(try await client.count("SELECT count(*) FROM platforms WHERE name = 'Extra'"), 1)
            let recorded = try await client.string("""
                SELECT errors::text FROM reconcile_runs WHERE result = 'failed' ORDER BY id DESC LIMIT 1
                """) ?? ""
            XCTAssertTrue(recorded.contains("platforms/extra.yml:"), recorded)
        }
    }

    func testIntervalFromEnvironment() {
        XCTAssertEqual(ReconcileLoop.interval(environment: [:]), .seconds(60))
        XCTAssertEqual(ReconcileLoop.interval(environment: ["KILN_RECONCILE_INTERVAL": "30"]), .seconds(30))
        XCTAssertEqual(ReconcileLoop.interval(environment: ["KILN_RECONCILE_INTERVAL": "5m"]), .seconds(300))
        XCTAssertEqual(ReconcileLoop.interval(environment: ["KILN_RECONCILE_INTERVAL": "250ms"]), .milliseconds(250))
        XCTAssertEqual(ReconcileLoop.interval(environment: ["KILN_RECONCILE_INTERVAL": "nope"]), .seconds(60))
    }
}
