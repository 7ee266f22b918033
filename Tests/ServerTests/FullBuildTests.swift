import Artifacts
import Foundation
import NIOHTTP1
import Server
import Statuses
import XCTest

/// A full build of 2 platforms × (src + 2 arches) × 2 refs driven by simulated nodes to completion.
final class FullBuildTests: XCTestCase {
    func testFullBuildLocalStore() async throws {
        try await runFullBuild(pulp: false)
    }

    func testFullBuildRealPulp() async throws {
        try await runFullBuild(pulp: true)
    }

    func runFullBuild(pulp: Bool) async throws {
        let packages = try TestPackages.get()
        try await ServerHarness.with(pulp: pulp) { h in
            try await Fixtures.platform(h.client, name: "AlmaLinux-8", arches: ["x86_64", "aarch64"])
            try await Fixtures.platform(h.client, name: "AlmaLinux-9", arches: ["x86_64", "aarch64", "ppc64le"])
            let user = try await h.userToken("alice")
            let created = try await h.call(
                .POST, "/api/v1/builds/", token: user,
                json: [
                    "platforms": [
                        ["name": "AlmaLinux-8", "arch_list": ["x86_64", "aarch64"]],
                        ["name": "AlmaLinux-9", "arch_list": ["x86_64", "aarch64"]]
                    ],
                    "tasks": [
                        ["url": "https://git.example.org/rpms/hello.git", "git_ref": "c8"],
                        ["url": "https://git.example.org/rpms/world.git", "git_ref": "c8", "ref_type": 2]
                    ],
                    "is_secure_boot": false
                ])
            XCTAssertEqual(created.status, 200, created.text)
            let buildID = try XCTUnwrap(created.object["id"] as? Int)
            let tasks = try XCTUnwrap(created.object["tasks"] as? [[String: Any]])
            XCTAssertEqual(tasks.count, 12)
            XCTAssertEqual(tasks.filter { $0["arch"] as? String == "src" }.count, 4)
            XCTAssertEqual((created.object["user"] as? [String: Any])?["username"] as? String, "alice")
            XCTAssertTrue(tasks.allSatisfy { $0["status"] as? Int == 0 })

            let x86 = try await SimulatedNode(h, name: "node-x86", arches: ["x86_64", "i686", "src"])
            let arm = try await SimulatedNode(h, name: "node-arm", arches: ["aarch64", "src"])
            var done = 0
            var seen = Set<Int>()
            var rounds = 0
            while done < 12 {
                rounds += 1
                XCTAssertLessThan(rounds, 40, "the build does not finish")
                if rounds >= 40 { return }
                var progressed = false
                for node in [x86, arm] {
                    guard let task = try await node.getTask() else { continue }
                    progressed = true
                    XCTAssertTrue(seen.insert(task.id).inserted, "task \(task.id) handed out twice")
                    XCTAssertEqual(task.buildID, buildID)
                    XCTAssertTrue(node.arches.contains(task.arch))
                    XCTAssertEqual(task.createdBy.name, "alice")
                    XCTAssertEqual(task.createdBy.email, "alice@example.org")
                    XCTAssertNotNil(task.platform.data["mock"])
                    // Repositories: the task's arch only (a src task: the node's first other arch, as
                    // ALBS), no log repository; build's own first.
                    let repositoryArch = task.arch == "src" ? (node.arches.first { $0 != "src" } ?? "src") : task.arch
                    XCTAssertTrue(
                        task.repositories.allSatisfy {
                            $0.url.contains(repositoryArch) || $0.name.contains(repositoryArch)
                        },
                        "\(task.repositories)")
                    XCTAssertFalse(task.repositories.contains { $0.name.hasSuffix("-logs") })
                    if task.arch != "src" {
                        XCTAssertEqual(
                            task.repositories.filter { $0.name.hasSuffix("-BaseOS-debug") }.map(\.mockEnabled), [false])
                    }
                    let project = task.ref.url.contains("hello") ? "hello" : "world"
                    let index = project == "hello" ? 0 : 1
                    if index == 1 {
                        // Order: every index-0 task of the platform finished before.
                        let unfinished = try await h.count(
                            """
                            SELECT count(*) FROM build_tasks WHERE build_id = \(buildID) AND index = 0
                            AND platform_id = (SELECT platform_id FROM build_tasks WHERE id = \(task.id)) AND status <> 2
                            """)
                        XCTAssertEqual(unfinished, 0, "index 1 handed out before index 0 finished")
                        XCTAssertEqual(task.ref.refType, .gitTag)
                    }
                    if index == 1 && task.arch != "src" {
                        let own = try XCTUnwrap(task.repositories.first, "no repositories")
                        XCTAssertTrue(
                            own.name.hasPrefix(
                                h.settings.buildRepositoryPrefix + "-\(buildID)-\(task.platform.name)-\(task.arch)-rpm"),
                            "build's own repository first: \(task.repositories.map(\.name))")
                        XCTAssertTrue(own.mockEnabled)
                    }
                    if task.arch == "src" {
                        XCTAssertNil(task.builtSrpmURL)
                    } else {
                        // An arch task comes after its ref's src task, with the source RPM it built.
                        let source = try await h.count(
                            """
                            SELECT count(*) FROM build_tasks s JOIN build_tasks a ON a.build_id = s.build_id
                            AND a.platform_id = s.platform_id AND a.index = s.index
                            WHERE a.id = \(task.id) AND s.arch = 'src' AND s.status = 2
                            """)
                        XCTAssertEqual(source, 1, "arch task \(task.id) handed out before its src task finished")
                        XCTAssertTrue(task.builtSrpmURL?.hasSuffix("/\(project)-1.0-1.src.rpm") == true)
                    }
                    var rpms = [packages.rpm(project, arch: task.arch)]
                    if task.arch == "x86_64" {
                        rpms.append(packages.rpm("\(project)-doc", arch: "noarch"))
                    }
                    let answer = try await node.buildDone(task.id, rpms: rpms, log: "build log of \(task.id)")
                    XCTAssertEqual(answer.status, 200, answer.text)
                    XCTAssertEqual(answer.object["ok"] as? Bool, true)
                    done += 1
                }
                XCTAssertTrue(progressed || done == 12, "no node got work with \(12 - done) tasks left")
                if !progressed && done < 12 { return }
            }
            let x86Idle = try await x86.getTask()
            XCTAssertNil(x86Idle)

            let build = try await h.call(.GET, "/api/v1/builds/\(buildID)/", token: user)
            XCTAssertEqual(build.status, 200)
            let finalTasks = try XCTUnwrap(build.object["tasks"] as? [[String: Any]])
            XCTAssertTrue(finalTasks.allSatisfy { $0["status"] as? Int == 2 }, build.text)
            XCTAssertFalse(build.object["finished_at"] is NSNull)
            for task in finalTasks {
                let artifacts = try XCTUnwrap(task["artifacts"] as? [[String: Any]])
                let expected = task["arch"] as? String == "x86_64" ? 3 : 2
                XCTAssertEqual(artifacts.count, expected, "\(task)")
                XCTAssertEqual(
                    (task["ref"] as? [String: Any])?["git_commit_hash"] as? String,
                    "0123456789abcdef0123456789abcdef01234567")
            }
            // One test task per binary RPM of each arch task (as ALBS), none for src.
            let testTasks = try await h.count("SELECT count(*) FROM test_tasks")
            let binaries = try await h.count(
                """
                SELECT count(*) FROM artifacts a JOIN build_tasks t ON t.id = a.build_task_id
                WHERE a.type = 'rpm' AND t.arch <> 'src' AND a.name NOT LIKE '%.src.rpm'
                """)
            XCTAssertGreaterThan(binaries, 8)
            XCTAssertEqual(testTasks, binaries)
            let testedTasks = try await h.count("SELECT count(DISTINCT build_task_id) FROM test_tasks")
            XCTAssertEqual(testedTasks, 8)

            // Artifacts in the right repositories; noarch on every arch of the platform.
            let prefix = h.settings.buildRepositoryPrefix
            for platform in ["AlmaLinux-8", "AlmaLinux-9"] {
                for arch in ["x86_64", "aarch64"] {
                    let name = "\(prefix)-\(buildID)-\(platform)-\(arch)-rpm"
                    let files = Set(try await h.store.listContent(of: name).map(\.fileName))
                    XCTAssertEqual(
                        files,
                        [
                            "hello-1.0-1.\(arch).rpm", "world-1.0-1.\(arch).rpm",
                            "hello-doc-1.0-1.noarch.rpm", "world-doc-1.0-1.noarch.rpm"
                        ], name)
                    let logs = try await h.store.listContent(of: "\(prefix)-\(buildID)-\(platform)-\(arch)-log")
                    XCTAssertEqual(logs.count, 2)
                }
                let sources = Set(
                    try await h.store.listContent(of: "\(prefix)-\(buildID)-\(platform)-src-src").map(\.fileName))
                XCTAssertEqual(sources, ["hello-1.0-1.src.rpm", "world-1.0-1.src.rpm"])
                // ppc64le is in AlmaLinux-9's arch_list: noarch goes there too.
                if platform == "AlmaLinux-9" {
                    let ppc = Set(
                        try await h.store.listContent(of: "\(prefix)-\(buildID)-\(platform)-ppc64le-rpm").map(
                            \.fileName))
                    XCTAssertEqual(ppc, ["hello-doc-1.0-1.noarch.rpm", "world-doc-1.0-1.noarch.rpm"])
                }
            }
            // Clean up the store's repositories through the API.
            let removed = try await h.call(.DELETE, "/api/v1/builds/\(buildID)/remove", token: user)
            XCTAssertEqual(removed.status, 204, removed.text)
            let gone = try await h.store.repository(named: "\(prefix)-\(buildID)-AlmaLinux-8-x86_64-rpm")
            XCTAssertNil(gone)
        }
    }
}
