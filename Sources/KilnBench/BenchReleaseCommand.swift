import ArgumentParser
import Artifacts
import CommandLineOptions
import Foundation
import Logging
import PostgresNIO
import Processes
import Reconciler
import Settings
import Store

/// `kiln bench release`: the commit time of a release of `--packages` packages across `--arches`
/// arch repositories on the configured Pulp (`KILN_PULP_URL`), through `ReleaseCommitter`
/// (journal in PostgreSQL, each repository's content read, one new version per repository,
/// finish), beside a bare Pulp client making the same versions (one modify per repository) in
/// the same run.
struct BenchReleaseCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release commit time on Pulp beside a bare Pulp client (needs KILN_PULP_URL).")

    @Option(help: "Output: text or json.") var format: OutputFormat = .text
    @Option(help: "Packages in the release (small noarch RPMs, placed into every arch).") var packages: Int = 1000
    @Option(help: "Arch repositories each package goes to.") var arches: Int = 5
    @OptionGroup var database: DatabaseOptions

    struct Figures: Codable {
        var packages: Int
        var arches: Int
        var placements: Int
        var kilnCommitSeconds: Double
        var bareModifySeconds: Double
        var bareTimePercentOfKiln: Double

        enum CodingKeys: String, CodingKey {
            case packages, arches, placements
            case kilnCommitSeconds = "kiln_commit_s"
            case bareModifySeconds = "bare_modify_s"
            case bareTimePercentOfKiln = "bare_time_percent_of_kiln"
        }
    }

    func validate() throws {
        guard packages > 0, arches > 0 else { throw ValidationError("--packages and --arches must be positive") }
    }

    func run(settings: KilnSettings) async throws {
        var logger = Logger(label: "kiln.bench.release")
        logger.logLevel = .warning
        guard case .pulp = settings.artifactStore(home: database.home(settings)) else {
            throw ValidationError("kiln bench release needs a Pulp: set KILN_PULP_URL (and KILN_PULP_USER/PASSWORD)")
        }
        let store = settings.artifactStore(home: database.home(settings)).makeStore(logger: logger)
        do {
            try await measure(store: store, settings: settings, logger: logger)
            try? await store.shutdown()
        } catch {
            try? await store.shutdown()
            throw error
        }
    }

    private func measure(store: any ArtifactStore, settings: KilnSettings, logger: Logger) async throws {
        let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-release-\(tag)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let archNames = (0..<arches).map { "arch\($0)" }
        let source = "kbr-\(tag)-build"
        let kilnRepos = archNames.map { "kbr-\(tag)-kiln-\($0)" }
        let bareRepos = archNames.map { "kbr-\(tag)-bare-\($0)" }
        let all = [source] + kilnRepos + bareRepos
        do {
            try await measure(
                store: store, settings: settings, logger: logger, tag: tag, folder: folder,
                archNames: archNames, source: source, kilnRepos: kilnRepos, bareRepos: bareRepos)
            try? await store.deleteRepositories(named: all)
        } catch {
            try? await store.deleteRepositories(named: all)
            throw error
        }
    }

    private func measure(
        store: any ArtifactStore, settings: KilnSettings, logger: Logger, tag: String, folder: URL,
        archNames: [String], source: String, kilnRepos: [String], bareRepos: [String]
    ) async throws {
        Bench.progress("building \(packages) packages and importing them into \(source)")
        let files = try RPMPackageBatch.build(count: packages, prefix: "rel\(tag)", in: folder)
        _ = try await store.ensureRepositories(
            ([source] + kilnRepos + bareRepos).map { StoreRepositorySpec(name: $0) }, maxConcurrent: 8)
        let uploaded = try await boundedMap(files, maxConcurrent: 8) { try await store.uploadArtifact(file: $0) }
        let content = try await store.importPackages(
            zip(files, uploaded).map {
                ImportItem(artifactHref: $0.1.href, sha256: $0.1.sha256, fileName: $0.0.lastPathComponent)
            }, into: source)
        let placed = content.map {
            PlacedPackage(
                nevra: $0.nevra ?? $0.fileName, fileName: $0.fileName, buildID: nil, artifactID: nil, href: $0.href,
                sha256: $0.sha256, reason: "bench")
        }
        let placement = ReleasePlacement(
            release: "bench-\(tag)", platform: "bench-\(tag)", referencePlatform: nil, state: "committed",
            operation: .commit,
            repositories: zip(archNames, kilnRepos).map {
                PlacedRepository(repository: "kbr", arch: $0.0, debug: false, storeRepository: $0.1, packages: placed)
            })

        let (kilnSeconds, bareSeconds) = try await Bench.withServer(database, settings: settings, logger: logger) {
            server in
            let name = "kiln_bench_release_\(getpid())"
            return try await Bench.withScratchDatabases([name], on: server, logger: logger) {
                try await KilnDatabase.withClient(config: server.with(database: name), logger: logger, migrate: true) {
                    client in
                    try await client.query(
                        """
                        WITH p AS (INSERT INTO platforms (name, type, distr_type, distr_version, test_dist_name,
                                                          arch_list, data)
                                   VALUES (\("bench-\(tag)"), 'rpm', 'rhel', '9', 'almalinux', '[]', '{}') RETURNING id)
                        INSERT INTO releases (name, platform_id, origin) SELECT \("bench-\(tag)"), id, 'git' FROM p
                        """, logger: logger)
                    let committer = ReleaseCommitter(
                        store: store, records: ReleaseCommitStore(client: client), logger: logger)
                    Bench.progress("kiln: committing \(packages) packages into \(arches) repositories")
                    let t0 = ContinuousClock.now
                    _ = try await committer.run(placement, commitSHA: "bench", author: "kiln bench")
                    let kiln = (ContinuousClock.now - t0).seconds
                    Bench.progress("bare Pulp client: the same \(arches) modifies")
                    let t1 = ContinuousClock.now
                    for repository in bareRepos {
                        try await store.modifyContent(of: repository, add: placed.map(\.href), remove: [])
                    }
                    return (kiln, (ContinuousClock.now - t1).seconds)
                }
            }
        }
        for (kiln, bare) in zip(kilnRepos, bareRepos) {
            let k = try await store.contentCount(of: kiln)
            let b = try await store.contentCount(of: bare)
            guard k == packages, b == packages else {
                throw ValidationError("\(kiln) holds \(k), \(bare) holds \(b), expected \(packages)")
            }
        }
        let figures = Figures(
            packages: packages, arches: arches, placements: packages * arches, kilnCommitSeconds: kilnSeconds,
            bareModifySeconds: bareSeconds, bareTimePercentOfKiln: 100 * bareSeconds / kilnSeconds)
        Bench.report(figures, format: format) {
            print("kiln bench release: \(packages) packages × \(arches) arch repositories on \(store.storeDescription)")
            print("| what | seconds | placements/s |")
            print("|---|---|---|")
            print(
                "| Kiln commit (journal, read each repository, one version per repository, finish) | "
                    + "\(Bench.fmt(kilnSeconds)) | \(Bench.fmt(Double(packages * arches) / kilnSeconds)) |")
            print(
                "| bare Pulp client (one modify per repository) | \(Bench.fmt(bareSeconds)) | "
                    + "\(Bench.fmt(Double(packages * arches) / bareSeconds)) |")
            print("bare time is \(Bench.fmt(figures.bareTimePercentOfKiln)) % of Kiln's")
        }
    }
}
