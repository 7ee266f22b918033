import ArgumentParser
import Artifacts
import CommandLineOptions
import Foundation
import Logging
import PostgresNIO
import Processes
import Settings
import Statuses
import Store

/// `kiln bench sign`: how fast Kiln verifies signed packages (`SignedPackageVerifier`: sha256,
/// NEVRA, signature against one key) beside a bare `rpmkeys --checksig` over the same files in
/// the same run, and how fast sign nodes claim sign tasks (`SignTaskStore.claim`) beside the
/// bare SKIP LOCKED claim statement on the same database.
struct BenchSignCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Verification throughput (packages/s) and sign-task claims/s.")

    @Option(help: "Output: text or json.") var format: OutputFormat = .text
    @Option(help: "Small packages made, signed and verified.") var packages: Int = 1000
    @Option(help: "Verification runs (the median is reported).") var runs: Int = 3
    @Option(help: "Sign tasks claimed per scenario (0 skips the claim benchmark).") var claims: Int = 2000
    @Option(help: "Concurrent sign nodes claiming.") var nodes: Int = 8
    @OptionGroup var database: DatabaseOptions

    struct Figures: Codable {
        var packages: Int
        var signSeconds: Double
        var verifyPackagesPerSecond: Double
        var bareRpmkeysPackagesPerSecond: Double
        var verifyPercentOfBare: Double
        var claimNodes: Int
        var claimsPerSecond: Double?
        var bareClaimsPerSecond: Double?
        var claimPercentOfBare: Double?

        enum CodingKeys: String, CodingKey {
            case packages
            case signSeconds = "sign_s"
            case verifyPackagesPerSecond = "verify_packages_per_s"
            case bareRpmkeysPackagesPerSecond = "bare_rpmkeys_packages_per_s"
            case verifyPercentOfBare = "verify_percent_of_bare"
            case claimNodes = "claim_nodes"
            case claimsPerSecond = "claims_per_s"
            case bareClaimsPerSecond = "bare_claims_per_s"
            case claimPercentOfBare = "claim_percent_of_bare"
        }
    }

    func validate() throws {
        guard packages > 0, runs > 0, claims >= 0, nodes > 0 else {
            throw ValidationError("--packages, --runs and --nodes must be positive, --claims not negative")
        }
    }

    func run(settings: KilnSettings) async throws {
        var logger = Logger(label: "kiln.bench.sign")
        logger.logLevel = .warning
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kiln-bench-sign-\(getpid())", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        Bench.progress("building \(packages) packages")
        let files = try RPMPackageBatch.build(count: packages, prefix: "bench", in: folder)
        let key = try await GPGSigningKey.generate(in: folder)
        defer { key.discard() }
        Bench.progress("signing them with rpmsign")
        let signStart = ContinuousClock.now
        try await key.sign(files)
        let signSeconds = (ContinuousClock.now - signStart).seconds
        var expectations: [SignedPackageExpectation] = []
        for file in files {
            let header = try RPMHeader(file: file)
            let data = try Data(contentsOf: file)
            expectations.append(
                SignedPackageExpectation(
                    file: file, sha256: SHA256Hex.digest(data), name: header.name, epoch: header.epoch,
                    version: header.version, release: header.release, arch: header.arch))
        }
        var kiln: [Double] = []
        var bare: [Double] = []
        for run in 0..<runs {
            Bench.progress("verification run \(run + 1) of \(runs)")
            let scratch = folder.appendingPathComponent("verify-\(run)", isDirectory: true)
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let t0 = ContinuousClock.now
            let verifier = try SignedPackageVerifier(publicKey: key.publicKey, keyID: key.keyID, scratch: scratch)
            let verdicts = try await verifier.verify(expectations)
            kiln.append((ContinuousClock.now - t0).seconds)
            if let bad = verdicts.first(where: { $0.problem != nil }) {
                throw ValidationError("a signed package did not verify: \(bad.problem ?? "")")
            }
            bare.append(try await bareRpmkeys(files, key: key, folder: folder.appendingPathComponent("bare-\(run)")))
        }
        let kilnRate = Double(packages) / kiln.sorted()[kiln.count / 2]
        let bareRate = Double(packages) / bare.sorted()[bare.count / 2]
        var figures = Figures(
            packages: packages, signSeconds: signSeconds, verifyPackagesPerSecond: kilnRate,
            bareRpmkeysPackagesPerSecond: bareRate, verifyPercentOfBare: 100 * kilnRate / bareRate, claimNodes: nodes)
        if claims > 0 {
            let name = "kiln_bench_sign_\(getpid())"
            let (kilnClaims, bareClaims) = try await Bench.withServer(database, settings: settings, logger: logger) {
                server in
                try await Bench.withScratchDatabases([name], on: server, logger: logger) {
                    try await KilnDatabase.withClient(
                        config: server.with(database: name), logger: logger, migrate: true
                    ) { client in
                        try await measureClaims(client: client)
                    }
                }
            }
            figures.claimsPerSecond = kilnClaims
            figures.bareClaimsPerSecond = bareClaims
            figures.claimPercentOfBare = 100 * kilnClaims / bareClaims
        }
        Bench.report(figures, format: format) {
            print("kiln bench sign: \(packages) small packages signed with rpmsign in \(Bench.fmt(signSeconds)) s")
            print("| what | rate | reference (same run) | % of reference |")
            print("|---|---|---|---|")
            print(
                "| verify (sha256 + NEVRA + signature vs one key), median of \(runs) | \(Bench.fmt(kilnRate)) packages/s "
                    + "| bare rpmkeys --checksig \(Bench.fmt(bareRate))/s | \(Bench.fmt(figures.verifyPercentOfBare)) % |"
            )
            if let c = figures.claimsPerSecond, let b = figures.bareClaimsPerSecond {
                print(
                    "| get_sign_task claim (SignTaskStore.claim), \(nodes) nodes | \(Bench.fmt(c)) claims/s "
                        + "| bare SKIP LOCKED claim \(Bench.fmt(b))/s | \(Bench.fmt(100 * c / b)) % |")
            }
        }
    }

    /// One `rpmkeys --checksig` over every file (a keyring holding only `key`): seconds.
    private func bareRpmkeys(_ files: [URL], key: GPGSigningKey, folder: URL) async throws -> Double {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let keyFile = folder.appendingPathComponent("key.asc")
        try Data(key.publicKey.utf8).write(to: keyFile)
        let imported = try await ProcessRunner.run(
            "/usr/bin/env", ["rpmkeys", "--dbpath", folder.path, "--import", keyFile.path])
        guard imported.succeeded else { throw ValidationError("rpmkeys --import: \(imported.output)") }
        let t0 = ContinuousClock.now
        var index = 0
        while index < files.count {
            let chunk = files[index..<min(files.count, index + 500)].map(\.path)
            let checked = try await ProcessRunner.run(
                "/usr/bin/env", ["rpmkeys", "--dbpath", folder.path, "--checksig", "--"] + chunk)
            guard checked.succeeded else { throw ValidationError("rpmkeys --checksig: \(checked.output.suffix(500))") }
            index += 500
        }
        return (ContinuousClock.now - t0).seconds
    }

    /// Seeds `claims` idle sign tasks of one package each, claims them with `nodes` concurrent
    /// loops through `SignTaskStore.claim`, re-seeds, and claims them with the bare statement.
    private func measureClaims(client: PostgresClient) async throws -> (Double, Double) {
        let keyid = "0123456789ABCDEF"
        try await client.query(
            """
            WITH u AS (INSERT INTO users (username) VALUES ('bench') RETURNING id),
            p AS (INSERT INTO platforms (name, type, distr_type, distr_version, test_dist_name, arch_list, data)
                  VALUES ('bench', 'rpm', 'rhel', '9', 'almalinux', '["x86_64"]', '{}') RETURNING id),
            b AS (INSERT INTO builds (created_by) SELECT id FROM u RETURNING id),
            r AS (INSERT INTO build_task_refs (url) VALUES ('https://git.example.org/bench.git') RETURNING id),
            t AS (INSERT INTO build_tasks (build_id, platform_id, ref_id, arch, index, status)
                  SELECT b.id, p.id, r.id, 'x86_64', 0, \(BuildTaskStatus.completed.rawValue) FROM b, p, r RETURNING id),
            k AS (INSERT INTO sign_keys (name, keyid, fingerprint) VALUES ('bench', \(keyid), repeat('0', 40)) RETURNING id)
            SELECT 1 FROM t, k
            """)
        let rate = { (claim: @escaping @Sendable () async throws -> Bool) async throws -> Double in
            try await seed(client)
            let start = ContinuousClock.now
            let count = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<nodes {
                    group.addTask {
                        var mine = 0
                        while try await claim() { mine += 1 }
                        return mine
                    }
                }
                return try await group.reduce(0, +)
            }
            return Double(count) / (ContinuousClock.now - start).seconds
        }
        let store = SignTaskStore(client: client)
        let kiln = try await rate {
            try await store.claim(keyIDs: [keyid], node: "bench", timeout: 600) != nil
        }
        let bareStatement = """
            WITH next AS (
                SELECT s.id FROM sign_tasks s
                WHERE s.sign_key_id IN (SELECT id FROM sign_keys WHERE upper(keyid) = ANY($1))
                AND s.status = \(SignTaskStatus.idle.rawValue)
                ORDER BY s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED
            )
            UPDATE sign_tasks s SET status = \(SignTaskStatus.inProgress.rawValue), node_name = 'bench'
            FROM next WHERE s.id = next.id RETURNING s.id
            """
        let bare = try await rate {
            var binds = PostgresBindings()
            binds.append([keyid])
            for try await _ in try await client.query(PostgresQuery(unsafeSQL: bareStatement, binds: binds)).decode(
                Int64.self)
            {
                return true
            }
            return false
        }
        return (kiln, bare)
    }

    /// Replaces every sign task with `claims` idle ones, one artifact each.
    private func seed(_ client: PostgresClient) async throws {
        try await client.query("DELETE FROM sign_tasks")
        try await client.query("DELETE FROM artifacts")
        try await client.query(
            """
            WITH a AS (
                INSERT INTO artifacts (build_task_id, name, type, href, sha256, arch)
                SELECT t.id, 'bench-' || g || '-1-1.noarch.rpm', 'rpm', '/local/' || g, repeat('a', 64), 'noarch'
                FROM build_tasks t, generate_series(1, \(claims)) g RETURNING id
            ), s AS (
                INSERT INTO sign_tasks (build_id, sign_key_id, status)
                SELECT b.id, k.id, \(SignTaskStatus.idle.rawValue) FROM builds b, sign_keys k, generate_series(1, \(claims))
                RETURNING id
            ), pairs AS (
                SELECT (SELECT array_agg(id ORDER BY id) FROM a) AS artifacts, (SELECT array_agg(id ORDER BY id) FROM s) AS tasks
            )
            INSERT INTO sign_task_packages (sign_task_id, artifact_id)
            SELECT tasks[i], artifacts[i] FROM pairs, generate_subscripts(tasks, 1) i
            """)
        try await client.query("ANALYZE sign_tasks")
    }
}
