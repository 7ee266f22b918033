import Artifacts
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import Server
import Testing

/// Every build starts with one `src` task per ref × platform (issue 9): its arch tasks wait for
/// it and build from the source RPM it made (`built_srpm_url`, `srpm_hash`), and fail with it.
@Suite(.serialized) struct SourceFirstBuildTests {
    /// 2 refs × 2 arches on the real Pulp: the `src` task comes first; the arch tasks follow its
    /// import and carry a URL that downloads the very source RPM, and the hash the node sent;
    /// a failed `src` task fails its arch tasks, naming it, and the build finishes.
    @Test func sourceTaskFirstThenArchTasksWithItsURL() async throws {
        let packages = try TestPackages.get()
        try await ServerHarness.with(pulp: true) { h in
            try await Fixtures.platform(h.client, name: "AlmaLinux-9", arches: ["x86_64", "aarch64"])
            let user = try await h.userToken("alice")
            let created = try await h.call(
                .POST, "/api/v1/builds/", token: user,
                json: [
                    "platforms": [["name": "AlmaLinux-9", "arch_list": ["x86_64", "aarch64"]]],
                    "tasks": [
                        ["url": "https://git.example.org/rpms/hello.git", "git_ref": "c9"],
                        ["url": "https://git.example.org/rpms/world.git", "git_ref": "c9"]
                    ]
                ])
            #expect(created.status == 200, "\(created.text)")
            let buildID = try #require(created.object["id"] as? Int)
            let tasks = try #require(created.object["tasks"] as? [[String: Any]])
            #expect(tasks.count == 6)
            #expect(tasks.filter { $0["arch"] as? String == "src" }.count == 2)

            let node = try await SimulatedNode(h, name: "node", arches: ["x86_64", "aarch64", "src"])
            let source = try #require(try await node.getTask())
            #expect(source.arch == "src")
            #expect(source.ref.url.hasSuffix("/hello.git"))
            #expect(source.builtSrpmURL == nil)
            // A src task lists the repositories of the node's first other arch (ALBS builds the
            // source RPM in a chroot of the node's own arch).
            #expect(
                source.repositories.map(\.url).contains("https://repo.example.org/AlmaLinux-9/BaseOS/x86_64/"),
                "\(source.repositories.map(\.url))")
            #expect(try await node.getTask() == nil, "nothing else is ready before the src task's import")

            let srpm = packages.rpm("hello", arch: "src")
            let casHash = String(repeating: "c", count: 64)
            let done = try await node.buildDone(source.id, rpms: [srpm], log: "src log", casHash: casHash)
            #expect(done.status == 200, "\(done.text)")
            let expected = try Data(contentsOf: srpm)
            var arches: [String] = []
            for _ in 0..<2 {
                let task = try #require(try await node.getTask())
                #expect(task.arch != "src")
                #expect(task.ref.url.hasSuffix("/hello.git"))
                arches.append(task.arch)
                let url = try #require(task.builtSrpmURL)
                #expect(url.hasSuffix("/hello-1.0-1.src.rpm"))
                #expect(task.srpmHash == casHash)
                // The URL serves the very bytes the node uploaded.
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
                #expect(response.status.code == 200, "GET \(url)")
                let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
                #expect(
                    Data(body.readableBytesView) == expected, "the URL serves the uploaded source RPM, byte for byte")
                let finished = try await node.buildDone(task.id, rpms: [packages.rpm("hello", arch: task.arch)])
                #expect(finished.status == 200, "\(finished.text)")
            }
            #expect(arches.sorted() == ["aarch64", "x86_64"])

            // Ref 1: its src task fails; its arch tasks fail naming it, and the build is finished.
            let second = try #require(try await node.getTask())
            #expect(second.arch == "src")
            #expect(second.ref.url.hasSuffix("/world.git"))
            let failed = try await node.buildDone(second.id, status: "failed", log: "no spec")
            #expect(failed.status == 200, "\(failed.text)")
            #expect(try await node.getTask() == nil)
            let build = try await h.call(.GET, "/api/v1/builds/\(buildID)/", token: user)
            let all = try #require(build.object["tasks"] as? [[String: Any]])
            let worldArch = all.filter {
                $0["arch"] as? String != "src"
                    && ($0["ref"] as? [String: Any])?["url"] as? String
                        == "https://git.example.org/rpms/world.git"
            }
            #expect(worldArch.count == 2)
            for task in worldArch {
                #expect(task["status"] as? Int == 3)
                let error = task["error"] as? String ?? ""
                #expect(error.contains("\(second.id)") && error.contains("world.git"), "\(error)")
            }
            #expect(!(build.object["finished_at"] is NSNull), "nothing is left unfinished: the build is finished")
            let removed = try await h.call(.DELETE, "/api/v1/builds/\(buildID)/remove", token: user)
            #expect(removed.status == 204, "\(removed.text)")
        }
    }

    /// `excluded_packages` as ALBS matches it: a name anywhere in the ref URL (any case); a
    /// `.src.rpm` ref by its package name, not its version or release.
    @Test func excludedPackagesMatchTheURLOrTheSourcePackageName() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            var sourceTasks: [String: Int] = [:]
            for url in [
                "https://git.example.org/rpms/kernel-rt.git", "https://example.org/srpms/bash-5.1-2.el9.src.rpm",
                "https://example.org/srpms/python-kernel-tools-1.0-3.el9.src.rpm"
            ] {
                let answer = try await h.call(
                    .POST, "/api/v1/builds/", token: user,
                    json: ["platforms": [["name": "P", "arch_list": ["x86_64"]]], "tasks": [["url": url]]])
                #expect(answer.status == 200, "\(answer.text)")
                let tasks = answer.object["tasks"] as? [[String: Any]] ?? []
                sourceTasks[url] = tasks.first { $0["arch"] as? String == "src" }?["id"] as? Int
            }
            func claimable(excluding excluded: [String]) async throws -> Set<Int> {
                // Claim everything this node may take, then put it back.
                let node = try await SimulatedNode(h, name: "n", arches: ["src"], excluded: excluded)
                var got = Set<Int>()
                while let task = try await node.getTask() { got.insert(task.id) }
                try await h.client.query(
                    "UPDATE build_tasks SET status = 0, node = NULL, ts = NULL, attempts = 0 WHERE arch = 'src'")
                return got
            }
            let all = Set(sourceTasks.values)
            #expect(all.count == 3)
            let kernelRT = try #require(sourceTasks["https://git.example.org/rpms/kernel-rt.git"])
            let bash = try #require(sourceTasks["https://example.org/srpms/bash-5.1-2.el9.src.rpm"])
            let tools = try #require(sourceTasks["https://example.org/srpms/python-kernel-tools-1.0-3.el9.src.rpm"])
            // Anywhere in a git URL, any case; in a src.rpm ref's package name.
            #expect(try await claimable(excluding: ["KERNEL"]) == [bash])
            #expect(try await claimable(excluding: ["rpms/kernel"]) == [bash, tools])
            // A src.rpm ref is matched by name: its version, release or the URL's host do not count.
            let byVersion = try await claimable(excluding: ["5.1", "el9", "example.org/srpms"])
            #expect(byVersion == all, "\(byVersion) of kernel-rt \(kernelRT), bash \(bash), tools \(tools)")
            #expect(try await claimable(excluding: ["bash"]) == [kernelRT, tools])
            #expect(try await claimable(excluding: ["python-kernel-tools"]) == [kernelRT, bash])
            // LIKE wildcards are plain characters; an empty name excludes nothing.
            #expect(try await claimable(excluding: ["%", "_", ""]) == all)
            #expect(try await claimable(excluding: []) == all)
        }
    }
}
