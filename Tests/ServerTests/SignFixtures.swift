import Artifacts
import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Processes
import Server
import Statuses
import Store

/// Sign keys, finished builds and checks of signed repositories, for the signing tests.
enum SignFixtures {
    /// A throwaway gpg key in a folder of its own (removed when the process ends with /tmp).
    static func key(_ name: String = "Kiln Test Signer <signer@kiln.invalid>") async throws -> GPGSigningKey {
        let parent = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-sign-keys-\(getpid())", isDirectory: true)
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        return try await GPGSigningKey.generate(in: parent, name: name)
    }

    /// Writes `key` as a sign key allowed for `platforms` (as the reconciler would from git).
    @discardableResult
    static func signKey(
        _ client: PostgresClient, _ key: GPGSigningKey, name: String, platforms: [Int64], active: Bool = true
    ) async throws -> Int64 {
        var id: Int64 = 0
        for try await row in try await client.query(
            """
            INSERT INTO sign_keys (name, description, keyid, fingerprint, public_url, public_key, active)
            VALUES (\(name), 'test key', \(key.keyID), \(key.fingerprint), 'https://keys.example.org/k.asc',
                    \(key.publicKey), \(active))
            RETURNING id
            """
        ).decode(Int64.self) { id = row }
        for platform in platforms {
            try await client.query(
                "INSERT INTO sign_key_platforms (sign_key_id, platform_id) VALUES (\(id), \(platform))")
        }
        return id
    }

    /// A finished build of `hello` on `platform` (its `src` task and one task per arch, each arch
    /// uploading its package, the first arch also the noarch `hello-doc`), imported into the
    /// harness's store; returns the build id and its RPM artifact count.
    static func finishedBuild<H: BuildHarness>(
        _ h: H, token: String, platform: String, arches: [String], extraRPMs: [URL] = []
    ) async throws -> (id: Int, rpms: Int) {
        let packages = try TestPackages.get()
        let build = try await h.createBuild(token: token, platform: platform, arches: arches, projects: ["hello"])
        let node = try await SimulatedNode(h, name: "builder-\(build.id)", arches: arches + ["src"])
        var rpms = 0
        while let task = try await node.getTask() {
            var files: [URL]
            if task.arch == "src" {
                files = [packages.rpm("hello", arch: "src")]
            } else {
                files = [packages.rpm("hello", arch: task.arch)]
                if task.arch == arches.first {
                    files.append(packages.rpm("hello-doc", arch: "noarch"))
                    files += extraRPMs
                }
            }
            let done = try await node.buildDone(task.id, rpms: files, log: "built \(task.arch)")
            guard done.status == 200 else {
                throw HarnessError(description: "build_done of \(task.id) answered \(done.status): \(done.text)")
            }
            rpms += files.count
        }
        return (build.id, rpms)
    }

    /// The verification worker over the harness's database and store, as `kiln serve` runs it.
    static func worker<H: BuildHarness>(_ h: H) -> SignVerificationWorker {
        SignVerificationWorker(database: h.client, store: h.store, settings: h.settings, logger: ServerHarness.logger)
    }

    /// Runs verification in the test process until nothing is pending.
    static func awaitVerification<H: BuildHarness>(_ h: H) async throws {
        let queue = SignResultQueue(client: h.client)
        let worker = worker(h)
        for _ in 0..<3000 {
            try await worker.drain()
            if try await queue.pendingCount() == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError(description: "sign verification is still pending")
    }

    /// Every RPM of the build's repositories (not logs): repository name → file name → sha256.
    static func repositoryContent<H: BuildHarness>(_ h: H, buildID: Int) async throws -> [String: [String: String]] {
        var content: [String: [String: String]] = [:]
        for repository in try await BuildRepositoryStore(client: h.client).repositories(buildID: Int64(buildID))
        where repository.kind != .log {
            var files: [String: String] = [:]
            for unit in try await h.store.listContent(of: repository.name) { files[unit.fileName] = unit.sha256 }
            content[repository.name] = files
        }
        return content
    }

    /// Downloads every RPM of the build's repositories and checks it with `rpmkeys --checksig`
    /// against a keyring holding only `key`: file name → whether its signature verified.
    static func signatureChecks<H: BuildHarness>(
        _ h: H, buildID: Int, key: GPGSigningKey
    ) async throws -> [String: Bool] {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-sign-check-\(UUID().uuidString.prefix(8))", isDirectory: true)
        let db = folder.appendingPathComponent("rpmdb", isDirectory: true)
        try FileManager.default.createDirectory(at: db, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appendingPathComponent("key.asc")
        try Data(key.publicKey.utf8).write(to: keyFile)
        for arguments in [["--import", keyFile.path]] {
            let made = try await ProcessRunner.run("/usr/bin/env", ["rpmkeys", "--dbpath", db.path] + arguments)
            guard made.succeeded else { throw HarnessError(description: "rpmkeys \(arguments): \(made.output)") }
        }
        var result: [String: Bool] = [:]
        for repository in try await BuildRepositoryStore(client: h.client).repositories(buildID: Int64(buildID))
        where repository.kind != .log {
            for unit in try await h.store.listContent(of: repository.name) {
                let file = folder.appendingPathComponent("\(repository.name)-\(unit.fileName)")
                try await h.store.downloadPackage(fileName: unit.fileName, in: repository.name, to: file)
                let checked = try await ProcessRunner.run(
                    "/usr/bin/env", ["rpmkeys", "--dbpath", db.path, "--checksig", "-v", file.path])
                let signatureOK = checked.output.split(separator: "\n").contains {
                    $0.contains("Signature, key ID") && $0.hasSuffix(": OK")
                }
                result["\(repository.name)/\(unit.fileName)", default: true] =
                    (result["\(repository.name)/\(unit.fileName)"] ?? true) && checked.succeeded && signatureOK
            }
        }
        return result
    }
}
