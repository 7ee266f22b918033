import EmbeddedPostgres
import Foundation
import Store
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Where the embedded cluster of a home lives, also when the home is somewhere the postgres
/// user cannot reach (a clone under `/root`, mode 0700).
@Suite struct EmbeddedPostgresHomeTests {
    let scratch = NSTemporaryDirectory() + "kiln-pg-home-\(UUID().uuidString)"

    @Test func reachableHomeKeepsItsClusterInside() throws {
        let home = scratch + "/open/.kiln"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(EmbeddedPostgres.directory(home: home) == home + "/postgres")
    }

    @Test(.enabled(if: getuid() == 0, "only root hands the cluster to the postgres user"))
    func unreachableHomeGetsAStableClusterElsewhereThatStarts() async throws {
        let locked = scratch + "/locked"
        let home = locked + "/clone/.kiln"
        let fallback = scratch + "/fallback"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        #expect(chmod(locked, 0o700) == 0)
        try FileManager.default.createDirectory(atPath: fallback, withIntermediateDirectories: true)
        defer {
            EmbeddedPostgres.stopSynchronously(
                dataDirectory: EmbeddedPostgres.directory(
                    home: home, fallbackRoot: fallback) + "/data")
            try? FileManager.default.removeItem(atPath: scratch)
        }
        let directory = EmbeddedPostgres.directory(home: home, fallbackRoot: fallback)
        #expect(directory.hasPrefix(fallback + "/postgres-"))
        #expect(EmbeddedPostgres.directory(home: home + "/", fallbackRoot: fallback) == directory)
        #expect(EmbeddedPostgres.directory(home: locked + "/other/.kiln", fallbackRoot: fallback) != directory)
        let postgres = EmbeddedPostgres(directory: directory, options: .init(durable: false))
        let config = try await postgres.start()
        #expect(config.port > 0)
        try await postgres.stop()
    }
}
