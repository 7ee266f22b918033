import Artifacts
import AsyncHTTPClient
import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Processes
import Server
import Statuses
import Store
import Testing

/// Signing with a sign node that speaks the real `albs-sign-node` protocol, on the real Pulp,
/// real gpg and rpmsign, every signature checked by Kiln before it counts (issue 10).
@Suite(.serialized) struct SignTaskFlowTests {
    /// A finished build goes unsigned → signed: the sign node gets the packages with URLs that
    /// serve them, signs and reports; Kiln verifies and swaps; the build's repositories then hold
    /// only packages that verify against the key, the build shows `signed` and its sign task.
    @Test func buildGoesFromUnsignedToSigned() async throws {
        try await ServerHarness.with(pulp: true) { h in
            let platform = try await Fixtures.platform(h.client, name: "P", arches: ["x86_64", "aarch64"])
            let user = try await h.userToken("alice")
            let (buildID, rpms) = try await SignFixtures.finishedBuild(
                h, token: user, platform: "P", arches: ["x86_64", "aarch64"])
            #expect(rpms == 4)
            let key = try await SignFixtures.key()
            let keyID = try await SignFixtures.signKey(h.client, key, name: "test-key", platforms: [platform])
            let before = try await SignFixtures.repositoryContent(h, buildID: buildID)
            let unsigned = try await SignFixtures.signatureChecks(h, buildID: buildID, key: key)
            #expect(!unsigned.isEmpty && unsigned.values.allSatisfy { !$0 }, "nothing is signed yet: \(unsigned)")

            let created = try await h.call(
                .POST, "/api/v1/sign-tasks/", token: user, json: ["build_id": buildID, "sign_key_id": keyID])
            #expect(created.status == 200, "\(created.text)")
            #expect(created.object["status"] as? Int == 1)
            #expect(created.object["packages_count"] as? Int == 4)
            #expect((created.object["sign_key"] as? [String: Any])?["keyid"] as? String == key.keyID)
            #expect((created.object["batch_task_ids"] as? [Int])?.count == 1)

            let node = try await TestSignNode(h, name: "signer-1", key: key)
            let other = try await TestSignNode(
                h, name: "signer-2", key: try await SignFixtures.key("Other <o@x.invalid>"))
            #expect(try await other.getTask() == nil, "a node without the key gets nothing")
            let task = try #require(try await node.getTask())
            #expect(task.buildID == Int64(buildID))
            #expect(task.keyid == key.keyID)
            #expect(task.packages.count == 4)
            #expect(Set(task.packages.map(\.arch)) == ["src", "x86_64", "aarch64"])
            #expect(task.packages.allSatisfy { $0.type == "rpm" && !$0.downloadURL.isEmpty })
            #expect(try await node.getTask() == nil, "a task is handed out once")

            let answer = try await node.sign(task)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.text == #"{"success":true}"#)
            let verifying = try await h.call(.GET, "/api/v1/sign-tasks/?build_id=\(buildID)")
            #expect(verifying.array.first?["verifying"] as? Bool == true)
            #expect(verifying.array.first?["status"] as? Int == 2)
            // A repeat of the same report by the same node is answered again, changing nothing.
            let build0 = try await h.call(.GET, "/api/v1/builds/\(buildID)/")
            #expect(build0.object["signed"] as? Bool == false)

            try await SignFixtures.awaitVerification(h)
            let tasks = try await h.call(.GET, "/api/v1/sign-tasks/?build_id=\(buildID)")
            #expect(tasks.status == 200)
            #expect(tasks.array.count == 1)
            #expect(tasks.array.first?["status"] as? Int == 3, "\(tasks.text)")
            #expect(tasks.array.first?["verifying"] as? Bool == false)
            #expect((tasks.array.first?["failures"] as? [Any])?.isEmpty == true)
            #expect(tasks.array.first?["node"] as? String == "signer-1")

            let build = try await h.call(.GET, "/api/v1/builds/\(buildID)/")
            #expect(build.object["signed"] as? Bool == true)
            let signTasks = try #require(build.object["sign_tasks"] as? [[String: Any]])
            #expect(signTasks.count == 1 && signTasks.first?["status"] as? Int == 3)
            #expect(signTasks.first?["stats"] is [String: Any])
            let signedList = try await h.call(.GET, "/api/v1/builds/?signed=true")
            #expect(signedList.array.map { $0["id"] as? Int } == [buildID])
            let unsignedList = try await h.call(.GET, "/api/v1/builds/?signed=false")
            #expect(unsignedList.array.isEmpty)

            // Same repositories, same file names; every package now verifies against the key alone.
            let after = try await SignFixtures.repositoryContent(h, buildID: buildID)
            #expect(after.keys.sorted() == before.keys.sorted())
            for (repository, files) in after {
                #expect(files.keys.sorted() == before[repository]?.keys.sorted(), "\(repository)")
                for (file, sha) in files { #expect(sha != before[repository]?[file], "\(repository)/\(file) swapped") }
            }
            let checks = try await SignFixtures.signatureChecks(h, buildID: buildID, key: key)
            #expect(checks.count == unsigned.count)
            #expect(checks.values.allSatisfy { $0 }, "every package verifies with the key: \(checks)")
            // The artifacts carry the signed files.
            for try await (signed, keyRef) in try await h.client.query(
                "SELECT a.signed, a.sign_key_id FROM artifacts a JOIN build_tasks t ON t.id = a.build_task_id WHERE t.build_id = \(buildID) AND a.type = 'rpm'"
            ).decode((Bool, Int64?).self) {
                #expect(signed && keyRef == keyID)
            }
            // Signed already: another sign task is refused.
            let again = try await h.call(
                .POST, "/api/v1/sign-tasks/", token: user, json: ["build_id": buildID, "sign_key_id": keyID])
            #expect(again.status == 409, "\(again.text)")
        }
    }

    /// Each refusal fails the task with the reason per package and leaves the repositories as they
    /// were; the failed task is restarted (`PUT .../restart`) and the next report is judged anew,
    /// until an honest one signs the build.
    @Test func refusalsChangeNothingAndAFailedTaskIsRetried() async throws {
        try await ServerHarness.with(pulp: true) { h in
            let platform = try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("bob")
            let (buildID, _) = try await SignFixtures.finishedBuild(h, token: user, platform: "P", arches: ["x86_64"])
            let key = try await SignFixtures.key()
            let keyID = try await SignFixtures.signKey(h.client, key, name: "k", platforms: [platform])
            let before = try await SignFixtures.repositoryContent(h, buildID: buildID)
            let created = try await h.call(
                .POST, "/api/v1/sign-tasks/", token: user, json: ["build_id": buildID, "sign_key_id": keyID])
            #expect(created.status == 200, "\(created.text)")
            let taskID = try #require(created.object["id"] as? Int)
            let node = try await TestSignNode(h, name: "signer", key: key)
            let stranger = try await SignFixtures.key("Stranger <s@x.invalid>")
            let cases: [(TestSignNode<ServerHarness>.Tamper, String)] = [
                (.otherKey(stranger), stranger.keyID.suffix(8).lowercased()),
                (.swapFirstPackage, "hello-doc"),
                (.wrongSHA256, "sha256"),
                (.unsignedFirstPackage, "not signed")
            ]
            for (tamper, reason) in cases {
                let task = try #require(try await node.getTask(), "\(tamper)")
                #expect(task.id == Int64(taskID))
                let answer = try await node.sign(task, tamper: tamper)
                #expect(answer.status == 200, "\(answer.text)")
                try await SignFixtures.awaitVerification(h)
                let read = try await h.call(.GET, "/api/v1/sign-tasks/?build_id=\(buildID)")
                let row = try #require(read.array.first)
                #expect(row["status"] as? Int == 4, "\(tamper): \(read.text)")
                let failures = try #require(row["failures"] as? [[String: Any]])
                #expect(!failures.isEmpty, "\(tamper)")
                let reasons = failures.compactMap { $0["reason"] as? String }.joined(separator: " | ")
                #expect(reasons.lowercased().contains(reason.lowercased()), "\(tamper): \(reasons)")
                #expect((row["error_message"] as? String)?.contains("nothing was swapped") == true)
                #expect(try await SignFixtures.repositoryContent(h, buildID: buildID) == before, "\(tamper)")
                let build = try await h.call(.GET, "/api/v1/builds/\(buildID)/")
                #expect(build.object["signed"] as? Bool == false)
                #expect(try await node.getTask() == nil, "a failed task is not handed out")
                let restarted = try await h.call(.PUT, "/api/v1/sign-tasks/\(taskID)/restart", token: user)
                #expect(restarted.status == 200, "\(restarted.text)")
                #expect(restarted.object["status"] as? Int == 1)
                #expect((restarted.object["failures"] as? [Any])?.isEmpty == true)
            }
            // A failure the node itself reports fails the task with its message.
            let task = try #require(try await node.getTask())
            let failed = try await node.fail(task, message: "gpg: signing failed: No secret key")
            #expect(failed.status == 200, "\(failed.text)")
            let read = try await h.call(.GET, "/api/v1/sign-tasks/\(taskID)/restart", token: user)
            #expect(read.status == 404 || read.status == 405)
            let listed = try await h.call(.GET, "/api/v1/sign-tasks/?build_id=\(buildID)")
            #expect(listed.array.first?["status"] as? Int == 4)
            #expect((listed.array.first?["error_message"] as? String)?.contains("No secret key") == true)
            #expect(try await h.call(.PUT, "/api/v1/sign-tasks/\(taskID)/restart", token: user).status == 200)

            let honest = try #require(try await node.getTask())
            #expect(try await node.sign(honest).status == 200)
            try await SignFixtures.awaitVerification(h)
            let build = try await h.call(.GET, "/api/v1/builds/\(buildID)/")
            #expect(build.object["signed"] as? Bool == true)
            let checks = try await SignFixtures.signatureChecks(h, buildID: buildID, key: key)
            #expect(!checks.isEmpty && checks.values.allSatisfy { $0 }, "\(checks)")
            // Restarting a completed task is refused.
            let late = try await h.call(.PUT, "/api/v1/sign-tasks/\(taskID)/restart", token: user)
            #expect(late.status == 409, "\(late.text)")
        }
    }

    /// A sign node killed mid-task: nobody else gets the task until its lease (`KILN_SIGN_TIMEOUT`)
    /// lapses; then another node does and signs the build; the dead node's late report is 409.
    @Test func aDeadSignNodesTaskIsHandedOutAgainAfterTheTimeout() async throws {
        var settings = ServerSettings()
        settings.signing = SigningSettings(timeout: .seconds(120))
        try await ServerHarness.with(settings: settings, pulp: true) { h in
            let platform = try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("carol")
            let (buildID, _) = try await SignFixtures.finishedBuild(h, token: user, platform: "P", arches: ["x86_64"])
            let key = try await SignFixtures.key()
            let keyID = try await SignFixtures.signKey(h.client, key, name: "k", platforms: [platform])
            let created = try await h.call(
                .POST, "/api/v1/sign-tasks/", token: user, json: ["build_id": buildID, "sign_key_id": keyID])
            #expect(created.status == 200, "\(created.text)")
            let dead = try await TestSignNode(h, name: "dead", key: key)
            let alive = try await TestSignNode(h, name: "alive", key: key)
            let held = try #require(try await dead.getTask())
            #expect(try await alive.getTask() == nil, "the lease holds")
            h.clock.advance(by: 119)
            try await h.sweeper.sweep()
            #expect(try await alive.getTask() == nil, "still within the lease")
            h.clock.advance(by: 2)
            try await h.sweeper.sweep()
            let idle = try await h.call(.GET, "/api/v1/sign-tasks/?build_id=\(buildID)")
            #expect(idle.array.first?["status"] as? Int == 1, "back to idle after the timeout: \(idle.text)")
            let task = try #require(try await alive.getTask())
            #expect(task.id == held.id)
            #expect(try await alive.sign(task).status == 200)
            // The dead node comes back: its report of a task handed to another node is refused.
            let late = try await dead.sign(held)
            #expect(late.status == 409, "\(late.text)")
            #expect(late.object["detail"] is String)
            try await SignFixtures.awaitVerification(h)
            let build = try await h.call(.GET, "/api/v1/builds/\(buildID)/")
            #expect(build.object["signed"] as? Bool == true)
            let listed = try await h.call(.GET, "/api/v1/sign-tasks/?build_id=\(buildID)")
            #expect(listed.array.first?["node"] as? String == "alive")
            #expect(listed.array.first?["attempts"] as? Int == 2)
        }
    }

    /// Two sign nodes split a build of 1,200 packages: three tasks of 400 (`KILN_SIGN_BATCH` 500),
    /// each handed out once, signed in parallel, every package verified and swapped; the build is
    /// signed once the last task is. The local store, served by the live server, holds the packages:
    /// the same flow on Pulp is covered above, and 2 × 1,200 Pulp content creations would add
    /// minutes to every CI run.
    @Test func twoSignNodesSplitALargeBuild() async throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-sign-large-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let many = try RPMPackageBatch.build(count: 1_199, prefix: "bulk", in: folder)
        #expect(many.count == 1_199)
        try await ServerHarness.with(pulp: false) { h in
            let platform = try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("dave")
            let (buildID, rpms) = try await SignFixtures.finishedBuild(
                h, token: user, platform: "P", arches: ["x86_64"], extraRPMs: many)
            #expect(rpms == 1_202)
            let key = try await SignFixtures.key()
            let keyID = try await SignFixtures.signKey(h.client, key, name: "k", platforms: [platform])
            let created = try await h.call(
                .POST, "/api/v1/sign-tasks/", token: user, json: ["build_id": buildID, "sign_key_id": keyID])
            #expect(created.status == 200, "\(created.text)")
            let batches = try #require(created.object["batch_task_ids"] as? [Int])
            #expect(batches.count == 3)
            let a = try await TestSignNode(h, name: "a", key: key)
            let b = try await TestSignNode(h, name: "b", key: key)
            @Sendable func work(_ node: TestSignNode<ServerHarness>) async throws -> [Int64] {
                var done: [Int64] = []
                while let task = try await node.getTask() {
                    let answer = try await node.sign(task)
                    guard answer.status == 200 else {
                        throw HarnessError(description: "complete \(task.id): \(answer.status) \(answer.text)")
                    }
                    done.append(task.id)
                }
                return done
            }
            async let byA = work(a)
            async let byB = work(b)
            let (tasksA, tasksB) = try await (byA, byB)
            #expect(!tasksA.isEmpty && !tasksB.isEmpty, "both nodes signed: \(tasksA) \(tasksB)")
            #expect(Set(tasksA).isDisjoint(with: tasksB))
            #expect((tasksA + tasksB).sorted() == batches.map(Int64.init))
            try await SignFixtures.awaitVerification(h)
            let listed = try await h.call(.GET, "/api/v1/sign-tasks/?build_id=\(buildID)")
            #expect(listed.array.map { $0["status"] as? Int } == [3, 3, 3], "\(listed.text.prefix(2000))")
            #expect(listed.array.compactMap { $0["packages_count"] as? Int }.reduce(0, +) == 1_202)
            let build = try await h.call(.GET, "/api/v1/builds/\(buildID)/")
            #expect(build.object["signed"] as? Bool == true)
            var unsigned = 0
            for try await count in try await h.client.query(
                "SELECT count(*) FROM artifacts a JOIN build_tasks t ON t.id = a.build_task_id WHERE t.build_id = \(buildID) AND a.type = 'rpm' AND NOT a.signed"
            ).decode(Int64.self) { unsigned = Int(count) }
            #expect(unsigned == 0)
            let checks = try await SignFixtures.signatureChecks(h, buildID: buildID, key: key)
            #expect(checks.count == 1_202)
            #expect(checks.values.allSatisfy { $0 })
        }
    }
}
