import Artifacts
import Foundation
import GitSource
import KilnTestSupport
import Logging
import NIOHTTP1
import PostgresNIO
import Processes
import Reconciler
import Server
import Spec
import Statuses
import Store

/// The world of the release tests, all real: RPMs made with `rpmbuild` (`relpkg` for x86_64 and
/// i686, its noarch `-doc`, its `-debuginfo`, its source RPM), a reference platform whose
/// production repositories are upstream repositories made with `createrepo_c`, served on
/// loopback and synced into Pulp by the reconciler, a target platform, a sign key in git, and a
/// build of `relpkg` built by a simulated node and signed by a test sign node speaking
/// albs-sign-node's protocol, verified by Kiln.
struct ReleaseScenario {
    let h: ServerHarness
    let repo: TestGitRepository
    let tag: String
    let key: GPGSigningKey
    let packages: URL
    let engine: ReconcileEngine
    let upstream: Process
    let userToken: String
    var buildID = 0

    var target: String { "P\(tag)" }
    var reference: String { "R\(tag)" }
    /// The target's production store repositories, by role.
    var baseos: String { "p\(tag)-baseos-x86_64" }
    var baseosI686: String { "p\(tag)-baseos-i686" }
    var baseosSource: String { "p\(tag)-baseos-src" }
    var baseosDebug: String { "p\(tag)-baseos-debuginfo-x86_64-debug" }
    var appstream: String { "p\(tag)-appstream-x86_64" }
    var productionRepositories: [String] { [baseos, baseosI686, baseosSource, baseosDebug, appstream] }

    static let logger: Logger = {
        var logger = Logger(label: "kiln.test.release")
        logger.logLevel = .error
        return logger
    }()

    /// RPMs built once per process: `relpkg-<version>` for x86_64 (with src, doc, debuginfo) and i686.
    static func rpm(_ top: URL, _ name: String, _ version: String, _ arch: String) -> URL {
        arch == "src"
            ? top.appendingPathComponent("SRPMS/\(name)-\(version)-1.src.rpm")
            : top.appendingPathComponent("RPMS/\(arch)/\(name)-\(version)-1.\(arch).rpm")
    }

    static func buildRPMs(version: String, note: String, top: URL) throws {
        let spec = """
            Name: relpkg
            Version: \(version)
            Release: 1
            Summary: relpkg test package
            License: MIT
            %description
            relpkg \(note)
            %package doc
            Summary: relpkg docs
            BuildArch: noarch
            %description doc
            relpkg docs
            %package debuginfo
            Summary: relpkg debug info
            %description debuginfo
            relpkg debug info
            %install
            mkdir -p %{buildroot}/usr/share/relpkg %{buildroot}/usr/lib/debug/relpkg
            echo 'relpkg \(version) \(note)' > %{buildroot}/usr/share/relpkg/version.txt
            echo doc > %{buildroot}/usr/share/relpkg/doc.txt
            echo debug > %{buildroot}/usr/lib/debug/relpkg/debug.txt
            %files
            /usr/share/relpkg/version.txt
            %files doc
            /usr/share/relpkg/doc.txt
            %files debuginfo
            /usr/lib/debug/relpkg/debug.txt

            """
        let file = try RPMBuild.writeSpec(spec, name: "relpkg-\(version)", top: top)
        try RPMBuild.run(
            specFile: file, top: top, arguments: ["--define", "debug_package %{nil}", "--target", "x86_64", "-ba"])
        try RPMBuild.run(
            specFile: file, top: top, arguments: ["--define", "debug_package %{nil}", "--target", "i686", "-bb"])
    }

    /// Sets the world up on `h` (Pulp): upstreams, desired state applied (platforms, sign key,
    /// reference repositories synced), then a signed build of `relpkg` on the target platform.
    static func make(_ h: ServerHarness, signed: Bool = true) async throws -> ReleaseScenario {
        let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        let top = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-release-\(tag)")
        try buildRPMs(version: "1.0", note: "new", top: top)
        // the reference platform ships relpkg 0.9: baseos x86_64 (with the i686 multilib package), i686
        let reference = top.appendingPathComponent("reference")
        try buildRPMs(version: "0.9", note: "old", top: reference)
        let up = top.appendingPathComponent("upstream")
        let layout: [(String, [URL])] = [
            (
                "baseos-x86_64",
                [
                    rpm(reference, "relpkg", "0.9", "x86_64"), rpm(reference, "relpkg", "0.9", "i686"),
                    rpm(reference, "relpkg-doc", "0.9", "noarch")
                ]
            ),
            ("baseos-i686", [rpm(reference, "relpkg", "0.9", "i686")])
        ]
        for (folder, files) in layout {
            let dir = up.appendingPathComponent(folder, isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for file in files {
                try FileManager.default.copyItem(at: file, to: dir.appendingPathComponent(file.lastPathComponent))
            }
            let made = try ProcessRunner.runSync("/usr/bin/env", ["createrepo_c", "--quiet", dir.path])
            guard made.succeeded else { throw HarnessError(description: "createrepo_c: \(made.output)") }
        }
        let (server, port) = try await serve(up)

        let key = try await SignFixtures.key("Kiln Release Tester <release@kiln.invalid>")
        let repo = try TestGitRepository.make()
        try repo.write("platforms/r.yml", referenceYAML(tag: tag, port: port))
        try repo.write("platforms/p.yml", targetYAML(tag: tag))
        try repo.write(
            "sign-keys/k.yml",
            """
            name: k\(tag)
            description: Kiln Release Tester
            keyid: \(key.keyID)
            fingerprint: \(key.fingerprint)
            public_url: https://keys.example.org/k.asc
            public_key_file: k.asc
            platforms: [P\(tag)]

            """)
        try repo.write("sign-keys/k.asc", key.publicKey)
        try repo.commit("platforms and the sign key")

        var engine = ReconcileEngine(
            database: PostgresStateDatabase(client: h.client, logger: logger), store: h.store, logger: logger)
        engine.syncRecords = RepositorySyncStore(client: h.client, logger: logger)
        engine.releases = ReleaseCommitStore(client: h.client, logger: logger)
        var scenario = ReleaseScenario(
            h: h, repo: repo, tag: tag, key: key, packages: top, engine: engine, upstream: server,
            userToken: try await h.userToken("packager-\(tag)"))
        let applied = try await scenario.reconcile()
        guard applied.result == .applied else {
            throw HarnessError(description: "applying the platforms: \(applied.result) \(applied.errors)")
        }
        let failedSyncs = applied.syncs.filter { $0.status != .completed }
        guard failedSyncs.isEmpty else { throw HarnessError(description: "syncs failed: \(failedSyncs)") }
        scenario.buildID = try await scenario.build(signed: signed)
        return scenario
    }

    func stop() {
        upstream.terminate()
        repo.delete()
        try? FileManager.default.removeItem(at: packages)
    }

    static func referenceYAML(tag: String, port: Int) -> String {
        """
        name: R\(tag)
        type: rpm
        distr_type: rhel
        distr_version: '8'
        test_dist_name: almalinux
        arch_list: [x86_64, i686]
        data:
          mock_dist: el8
        repos:
          - {name: r\(tag)-baseos, arch: x86_64, url: 'http://127.0.0.1:\(port)/baseos-x86_64/', type: rpm, production: true, sync: {read_only: true, policy: immediate}}
          - {name: r\(tag)-baseos, arch: i686, url: 'http://127.0.0.1:\(port)/baseos-i686/', type: rpm, production: true, sync: {read_only: true, policy: immediate}}

        """
    }

    static func targetYAML(tag: String) -> String {
        """
        name: P\(tag)
        type: rpm
        distr_type: rhel
        distr_version: '9'
        test_dist_name: almalinux
        arch_list: [x86_64, i686]
        data:
          mock_dist: el9
        repos:
          - {name: p\(tag)-baseos, arch: x86_64, url: 'https://repo.invalid/p/baseos/x86_64/', type: rpm, production: true}
          - {name: p\(tag)-baseos, arch: i686, url: 'https://repo.invalid/p/baseos/i686/', type: rpm, production: true}
          - {name: p\(tag)-baseos, arch: src, url: 'https://repo.invalid/p/baseos/src/', type: rpm, production: true}
          - {name: p\(tag)-baseos-debuginfo, arch: x86_64, url: 'https://repo.invalid/p/baseos/debug/', type: rpm, debug: true, production: true}
          - {name: p\(tag)-appstream, arch: x86_64, url: 'https://repo.invalid/p/appstream/x86_64/', type: rpm, production: true}

        """
    }

    /// The release file for the scenario's build.
    func releaseYAML(state: String, packages: String = "") -> String {
        """
        name: rel\(tag)
        platform: P\(tag)
        reference_platform: R\(tag)
        builds: [\(buildID)]
        state: \(state)
        \(packages)
        """
    }

    /// Reads the desired state at HEAD and reconciles it (as `kiln apply --repo` does).
    func reconcile() async throws -> ReconcileResult {
        let snapshot = try await DesiredStateReader(repository: try GitRepository(path: repo.path)).readValid()
        return try await engine.reconcile(
            desired: snapshot.result.state, commitSHA: snapshot.commitSHA, trigger: "cli", author: snapshot.author)
    }

    /// Plans the desired state at HEAD.
    func plan() async throws -> Plan {
        let snapshot = try await DesiredStateReader(repository: try GitRepository(path: repo.path)).readValid()
        return try await engine.plan(
            desired: snapshot.result.state, commitSHA: snapshot.commitSHA, author: snapshot.author)
    }

    /// Builds relpkg 1.0 on the target (x86_64, i686 and src tasks), then signs it unless `signed` is false.
    func build(signed: Bool) async throws -> Int {
        let build = try await h.createBuild(
            token: userToken, platform: target, arches: ["x86_64", "i686"], projects: ["relpkg"])
        let node = try await SimulatedNode(h, name: "builder-\(tag)", arches: ["x86_64", "i686", "src"])
        var handled = 0
        while let task = try await node.getTask() {
            handled += 1
            guard handled < 10 else { throw HarnessError(description: "the build does not finish") }
            let files: [URL]
            switch task.arch {
            case "src": files = [Self.rpm(packages, "relpkg", "1.0", "src")]
            case "x86_64":
                files = [
                    Self.rpm(packages, "relpkg", "1.0", "x86_64"), Self.rpm(packages, "relpkg-doc", "1.0", "noarch"),
                    Self.rpm(packages, "relpkg-debuginfo", "1.0", "x86_64")
                ]
            default: files = [Self.rpm(packages, "relpkg", "1.0", task.arch)]
            }
            let done = try await node.buildDone(task.id, rpms: files, log: "built \(task.arch)")
            guard done.status == 200 else {
                throw HarnessError(description: "build_done of \(task.id) answered \(done.status): \(done.text)")
            }
        }
        if signed { try await sign(build.id) }
        return build.id
    }

    /// Signs build `id` with the scenario's key through the sign-node protocol, and waits for Kiln's verification.
    func sign(_ id: Int) async throws {
        var keyID: Int64 = 0
        for try await row in try await h.client.query("SELECT id FROM sign_keys WHERE name = \("k\(tag)")").decode(
            Int64.self)
        { keyID = row }
        let created = try await h.call(
            .POST, "/api/v1/sign-tasks/", token: userToken, json: ["build_id": id, "sign_key_id": keyID])
        guard created.status == 200 else { throw HarnessError(description: "sign task: \(created.text)") }
        let node = try await TestSignNode(h, name: "signer-\(tag)", key: key)
        while let task = try await node.getTask() {
            let answer = try await node.sign(task)
            guard answer.status == 200 else { throw HarnessError(description: "sign: \(answer.text)") }
        }
        try await SignFixtures.awaitVerification(h)
        let build = try await h.call(.GET, "/api/v1/builds/\(id)/")
        guard build.object["signed"] as? Bool == true else {
            throw HarnessError(description: "not signed: \(build.text)")
        }
    }

    /// Every production repository of the target: store name → the NEVRAs with their sha256.
    func productionContent() async throws -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for name in productionRepositories {
            let units = try await h.store.listContent(of: name)
            out[name] = Set(units.map { "\($0.nevra ?? $0.fileName) \($0.sha256)" })
        }
        return out
    }

    /// The NEVRAs of one production repository.
    func nevras(_ repository: String) async throws -> Set<String> {
        Set(try await h.store.listContent(of: repository).compactMap(\.nevra))
    }

    /// The release row: status, committed SHA and author.
    func releaseRow() async throws -> (status: Int16, sha: String?, author: String?, operation: String?)? {
        for try await row in try await h.client.query(
            "SELECT status, committed_sha, committed_author, operation FROM releases WHERE name = \("rel\(tag)")"
        ).decode((Int16, String?, String?, String?).self) {
            return row
        }
        return nil
    }

    /// Serves `folder` on a free loopback port with `python3 -m http.server` (another port when
    /// the chosen one is taken; up to 30 s for a slow start on a busy machine).
    static func serve(_ folder: URL) async throws -> (Process, Int) {
        for _ in 0..<5 {
            let port = Int.random(in: 30000..<45000)
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            server.arguments = [
                "python3", "-m", "http.server", "\(port)", "--bind", "127.0.0.1", "--directory", folder.path
            ]
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
            try server.run()
            let url = "http://127.0.0.1:\(port)/baseos-x86_64/repodata/repomd.xml"
            for _ in 0..<300 where server.isRunning {
                let probe = try ProcessRunner.runSync("/usr/bin/env", ["curl", "-sf", "-o", "/dev/null", url])
                if probe.succeeded { return (server, port) }
                try await Task.sleep(for: .milliseconds(100))
            }
            server.terminate()
        }
        throw HarnessError(description: "the upstream of \(folder.path) could not be served")
    }
}
