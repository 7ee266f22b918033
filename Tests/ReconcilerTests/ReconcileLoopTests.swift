import Foundation
import GitSource
import KilnTestSupport
import Logging
import PostgresNIO
import Reconciler
import Statuses
import Testing

@Suite struct ReconcileLoopTests {
    /// Polls `query` (a count) until it is at least 1, for at most 10 s; returns the last count.
    private func waitForRow(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(10)
        var found = try await client.count(query)
        while found == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            found = try await client.count(query)
        }
        return found
    }

    @Test func loopFetchesRemoteAppliesOnTriggerAndReportsInvalidState() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-mirror-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        try await TestDatabase.with { client, _ in
            let loop = ReconcileLoop(
                engine: f.engine(client),
                source: .remote(GitRemoteMirror(remote: f.repo.path, cachePath: cache), branch: "main"),
                interval: .seconds(3600))
            let first = await loop.reconcileNow(trigger: "api")
            let firstError = await loop.lastError
            #expect(first?.result == .applied, "\(String(describing: firstError))")
            #expect(try await client.count("SELECT count(*) FROM platforms") == 2)

            // the running service applies a pushed change on trigger (what the webhook calls);
            // the push comes after the service's first run, so that run cannot take it
            let service = Task { try await loop.run() }
            defer { service.cancel() }
            await loop.waitForFirstRun()
            try f.repo.write("platforms/extra.yml", ReconcileFixture.platformYAML("Extra"))
            let sha = try f.repo.commit("add Extra")
            loop.trigger(reason: "webhook")
            let applied = try await waitForRow(
                client,
                """
                SELECT count(*) FROM reconcile_runs WHERE trigger = 'webhook' AND result = 'applied' AND commit_sha = \(sha)
                """)
            #expect(applied == 1)
            #expect(
                try await client.count("SELECT count(*) FROM platforms WHERE name = 'Extra' AND commit_sha = \(sha)")
                    == 1)

            // an invalid commit is not applied; the error names file:line (the API run waits
            // for any loop run to end first: runs never overlap)
            try f.repo.write("platforms/extra.yml", "name: Extra\ntype: rpm\nbogus_key: 1\n")
            _ = try f.repo.commit("broken")
            let broken = await loop.reconcileNow(trigger: "api")
            #expect(broken == nil)
            let error = await loop.lastError ?? ""
            #expect(error.contains("platforms/extra.yml:"), "\(error)")
            #expect(try await client.count("SELECT count(*) FROM platforms WHERE name = 'Extra'") == 1)
            let recorded =
                try await client.string(
                    """
                    SELECT errors::text FROM reconcile_runs WHERE result = 'failed' ORDER BY id DESC LIMIT 1
                    """) ?? ""
            #expect(recorded.contains("platforms/extra.yml:"), "\(recorded)")
        }
    }

    /// Triggers are served by any run that starts after them: those issued before the
    /// service's first run add no run of their own; one issued after it does, named by it.
    @Test func triggersBeforeARunAreServedByIt() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        try await TestDatabase.with { client, _ in
            let loop = ReconcileLoop(
                engine: f.engine(client),
                source: .local(try GitRepository(path: f.repo.path), ref: "main"),
                interval: .seconds(3600))
            loop.trigger(reason: "webhook")
            loop.trigger(reason: "webhook")
            loop.trigger(reason: "api")
            let service = Task { try await loop.run() }
            defer { service.cancel() }
            await loop.waitForFirstRun()
            #expect(await loop.lastResult?.result == .applied)

            // triggers are served in order: once this one's run is recorded, the three above
            // have been looked at too
            loop.trigger(reason: "sentinel")
            let sentinel = try await waitForRow(
                client, "SELECT count(*) FROM reconcile_runs WHERE trigger = 'sentinel'")
            #expect(sentinel == 1)
            #expect(try await client.count("SELECT count(*) FROM reconcile_runs") == 2)
            #expect(
                try await client.count("SELECT count(*) FROM reconcile_runs WHERE trigger IN ('webhook', 'api')") == 0)
        }
    }
}
