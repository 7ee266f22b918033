import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import PostgresNIO
import Processes
import Server
import Testing

/// The local artifact store as a repository server: `kiln serve` serves its repositories at
/// `/repos/<name>/` (the URLs build repositories report), dnf installs from them, and a
/// `build_done` with hrefs the configured store cannot resolve answers 422 and records nothing.
@Suite struct LocalRepositoryServingTests {
    /// Builds `hello` on x86_64 with a node that also takes `src` tasks, reporting real RPMs.
    func buildHello(_ h: ServerHarness) async throws -> Int {
        let packages = try TestPackages.get()
        try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
        let user = try await h.userToken("alice")
        let build = try await h.createBuild(token: user, arches: ["x86_64"], projects: ["hello"])
        let node = try await SimulatedNode(h, name: "node-1", arches: ["x86_64", "src"])
        var handled = 0
        while let task = try await node.getTask() {
            handled += 1
            try #require(handled < 10, "the build does not finish")
            let rpms =
                task.arch == "src"
                ? [packages.rpm("hello", arch: "src")]
                : [packages.rpm("hello", arch: task.arch), packages.rpm("hello-doc", arch: "noarch")]
            let answer = try await node.buildDone(task.id, rpms: rpms, log: "built \(task.id)")
            try #require(answer.status == 200, "\(answer.text)")
        }
        #expect(try await h.count("SELECT count(*) FROM build_tasks WHERE build_id = \(build.id) AND status <> 2") == 0)
        return build.id
    }

    func repositoryURL(_ h: ServerHarness, build: Int, arch: String, kind: String) async throws -> String {
        let rows = try await h.client.query(
            "SELECT url FROM build_repositories WHERE build_id = \(Int64(build)) AND arch = \(arch) AND kind = \(kind)")
        for try await url in rows.decode(String.self) { return url }
        throw HarnessError(description: "no \(kind) repository for \(arch) in build \(build)")
    }

    @Test func dnfInstallsABuiltPackageFromTheServedBuildRepository() async throws {
        try await ServerHarness.with { h in
            let build = try await buildHello(h)
            let url = try await repositoryURL(h, build: build, arch: "x86_64", kind: "rpm")
            #expect(url.hasPrefix("http://127.0.0.1:\(h.port)/repos/"), "\(url)")

            let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                "kiln-dnf-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let config = scratch.appendingPathComponent("dnf.conf")
            try "[main]\ngpgcheck=0\nreposdir=/nonexistent\ninstall_weak_deps=0\n".write(
                to: config, atomically: true, encoding: .utf8)
            let root = scratch.appendingPathComponent("root")
            // Only this repository, no plugins, no network beyond loopback.
            let dnf = try await ProcessRunner.run(
                "/usr/bin/env",
                [
                    "dnf", "-y", "-c", config.path, "--installroot", root.path, "--releasever", "9", "--noplugins",
                    "--setopt=cachedir=\(scratch.path)/cache", "--setopt=gpgcheck=0",
                    "--repofrompath", "kiln,\(url)", "--repo", "kiln", "install", "hello", "hello-doc"
                ])
            #expect(dnf.succeeded, "\(dnf.output)")
            let installed = root.appendingPathComponent("usr/share/hello/a.txt")
            #expect((try? String(contentsOf: installed, encoding: .utf8)) == "hello\n")
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("usr/share/hello/doc.txt").path))
        }
    }

    @Test func servedFilesAreReadOnlyTypedAndConfined() async throws {
        let packages = try TestPackages.get()
        try await ServerHarness.with { h in
            let build = try await buildHello(h)
            let url = try await repositoryURL(h, build: build, arch: "x86_64", kind: "rpm")
            let rpm = packages.rpm("hello", arch: "x86_64")

            func get(_ path: String, method: HTTPMethod = .GET) async throws -> (Int, String?, Data) {
                var request = HTTPClientRequest(
                    url: path.hasPrefix("http") ? path : "http://127.0.0.1:\(h.port)\(path)")
                request.method = method
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
                return (Int(response.status.code), response.headers.first(name: "Content-Type"), Data(buffer: body))
            }
            let repomd = try await get(url + "repodata/repomd.xml")
            #expect(repomd.0 == 200)
            #expect(repomd.1 == "application/xml")
            #expect(String(decoding: repomd.2, as: UTF8.self).contains("primary"))
            let package = try await get(url + rpm.lastPathComponent)
            #expect(package.0 == 200)
            #expect(package.1 == "application/x-rpm")
            #expect(package.2 == (try Data(contentsOf: rpm)))
            let head = try await get(url + rpm.lastPathComponent, method: .HEAD)
            #expect(head.0 == 200)
            #expect(head.2.isEmpty)
            let log = try await get(try await repositoryURL(h, build: build, arch: "x86_64", kind: "log"))
            #expect(log.0 == 404)  // a folder: no listings

            let name = String(url.dropFirst("http://127.0.0.1:\(h.port)/repos/".count).dropLast())
            for bad in [
                "/repos/\(name)/../\(name)/kiln-repository.json", "/repos/\(name)/%2e%2e/kiln-repository.json",
                "/repos/..%2f.artifacts/x", "/repos/.artifacts/x", "/repos/\(name)/missing.rpm", "/repos/\(name)/"
            ] {
                #expect(try await get(bad).0 == 404, "\(bad)")
            }
            #expect(try await get(url + rpm.lastPathComponent, method: .POST).0 >= 400)
            #expect(try await get(url + rpm.lastPathComponent, method: .DELETE).0 >= 400)
            #expect(try await get(url + rpm.lastPathComponent).0 == 200)  // still there
        }
    }
}

/// `build_done` with hrefs the configured store does not hand out: 422 naming the store and what
/// the node must upload to, before anything is recorded.
@Suite struct UnresolvableArtifactHrefTests {
    func claim(_ h: ServerHarness) async throws -> (task: Int, node: SimulatedNode<ServerHarness>) {
        try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
        let user = try await h.userToken("alice")
        _ = try await h.createBuild(token: user, arches: ["x86_64"], projects: ["hello"])
        let node = try await SimulatedNode(h, name: "node-1", arches: ["x86_64", "src"])
        let task = try #require(try await node.getTask())
        return (task.id, node)
    }

    func report(
        _ h: ServerHarness, node: SimulatedNode<ServerHarness>, task: Int, href: String
    ) async throws
        -> HTTPAnswer
    {
        try await h.call(
            .POST, "/api/v1/build_node/build_done", token: node.token,
            json: [
                "task_id": task, "status": "done",
                "artifacts": [
                    [
                        "name": "hello-1.0-1.x86_64.rpm", "type": "rpm", "href": href,
                        "sha256": String(repeating: "c", count: 64)
                    ]
                ]
            ])
    }

    @Test func localStoreRefusesPulpHrefs() async throws {
        try await ServerHarness.with { h in
            let (task, node) = try await claim(h)
            let answer = try await report(
                h, node: node, task: task, href: "/pulp/api/v3/artifacts/0190a7b2-7c1e-7d7e-9a55-0123456789ab/")
            #expect(answer.status == 422)
            let detail = answer.detail ?? ""
            #expect(detail.contains("local folder store"), "\(detail)")
            #expect(detail.contains("KILN_PULP_URL"), "\(detail)")
            #expect(try await h.count("SELECT count(*) FROM build_imports") == 0)
            #expect(try await h.count("SELECT count(*) FROM build_tasks WHERE id = \(task) AND status = 1") == 1)
            // The same task still takes a result the store can resolve.
            let sha = String(repeating: "c", count: 64)
            #expect(try await report(h, node: node, task: task, href: "/local/artifacts/\(sha)/").status == 200)
        }
    }

    @Test func pulpStoreRefusesOtherHrefs() async throws {
        try await ServerHarness.with(pulp: true) { h in
            let (task, node) = try await claim(h)
            let sha = String(repeating: "c", count: 64)
            for href in ["/local/artifacts/\(sha)/", "https://elsewhere.example.org/pulp/api/v3/artifacts/x/"] {
                let answer = try await report(h, node: node, task: task, href: href)
                #expect(answer.status == 422, "\(href)")
                let detail = answer.detail ?? ""
                #expect(detail.contains("Kiln's artifact store is Pulp at http"), "\(detail)")
                #expect(detail.contains("the node must upload to that Pulp"), "\(detail)")
            }
            #expect(try await h.count("SELECT count(*) FROM build_imports") == 0)
        }
    }
}
