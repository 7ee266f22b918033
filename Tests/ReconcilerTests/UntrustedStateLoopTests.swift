import Foundation
import GitSource
import KilnTestSupport
import PostgresNIO
import Reconciler
import Spec
import Statuses
import Testing

/// A desired state that cannot be read (alias expansion, a symlink) at HEAD when the service
/// starts: the startup run is recorded as failed with the reason, and the loop keeps serving.
@Suite struct UntrustedStateLoopTests {
    @Test func unreadableHeadAtStartupIsRecordedAndTheLoopRecovers() async throws {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        var laughs = ReconcileFixture.platformYAML("Laughs") + "data:\n  l0: &l0 lol\n"
        for level in 1...9 {
            laughs +=
                "  l\(level): &l\(level) ["
                + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        try f.repo.write("platforms/laughs.yml", laughs)
        try FileManager.default.createSymbolicLink(
            atPath: f.repo.path + "/platforms/passwd.yml", withDestinationPath: "/etc/passwd")
        let bad = try f.repo.commit("billion laughs and a symlink")
        try await TestDatabase.with { client, _ in
            let loop = ReconcileLoop(
                engine: f.engine(client), source: .local(try GitRepository(path: f.repo.path), ref: "main"),
                interval: .seconds(3600))
            let service = Task { try await loop.run() }
            defer { service.cancel() }
            await loop.waitForFirstRun()

            let errors =
                try await client.string(
                    "SELECT errors::text FROM reconcile_runs WHERE result = 'failed' AND commit_sha = \(bad)") ?? ""
            #expect(errors.contains("platforms/laughs.yml:"), "\(errors)")
            #expect(errors.contains("platform too large"), "\(errors)")
            #expect(errors.contains("platforms/passwd.yml points to '/etc/passwd'"), "\(errors)")
            #expect(try await client.count("SELECT count(*) FROM platforms") == 0)
            #expect(await loop.lastError != nil)

            // Fixed in the next commit: the same loop applies it.
            try f.repo.remove("platforms/laughs.yml")
            try f.repo.remove("platforms/passwd.yml")
            let good = try f.repo.commit("fixed")
            let result = await loop.reconcileNow(trigger: "api")
            let lastError = await loop.lastError
            #expect(result?.result == .applied, "\(String(describing: lastError))")
            #expect(
                try await client.count(
                    "SELECT count(*) FROM reconcile_runs WHERE result = 'applied' AND commit_sha = \(good)")
                    == 1)
            #expect(try await client.count("SELECT count(*) FROM platforms") == 2)
        }
    }
}
