import Artifacts
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A simulated build node for `kiln bench chaos`, speaking the real node's protocol
/// (`AlmaLinux/albs-node`): ping and `get_task` in one loop, "build" for a while while a pinger
/// refreshes the lease of the held task every `pingInterval`, upload the log to the artifact
/// store (Pulp) as the node does, then `build_done`. Like the real node it retries every call
/// on 5xx, 503 and refused or broken connections, with back-off; on a failure it moves to the
/// next server (a load balancer's behavior), since the chaos kills one at a time.
struct ChaosNode: Sendable {
    let name: String
    let token: String
    let servers: [String]
    let first: Int
    let http: HTTPClient
    let store: any ArtifactStore
    let ledger: ChaosLedger
    let plan: ChaosPlan

    /// The tasks the node holds (the pinger reads it).
    actor Held {
        private(set) var ids: [Int64] = []
        func add(_ id: Int64) { ids.append(id) }
        func remove(_ id: Int64) { ids.removeAll { $0 == id } }
    }

    /// One HTTP answer.
    struct Answer {
        var status: Int
        var body: ByteBuffer
    }

    /// Runs until cancelled.
    func run() async {
        let held = Held()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pinger(held) }
            group.addTask { await worker(held) }
            await group.next()
            group.cancelAll()
        }
    }

    private func pinger(_ held: Held) async {
        var server = first
        while !Task.isCancelled {
            try? await Task.sleep(for: plan.pingInterval)
            let ids = await held.ids
            guard !ids.isEmpty else { continue }
            // One attempt per tick: the next tick is the retry.
            let body = #"{"active_tasks": [\#(ids.map(String.init).joined(separator: ","))]}"#
            if (try? await call("ping", body: body, server: server)) == nil {
                server = (server + 1) % servers.count
            }
        }
    }

    private func worker(_ held: Held) async {
        var server = first
        // Every build starts with `src` tasks: the node takes them too and completes them like the others.
        let supported = plan.arches.contains("src") ? plan.arches : plan.arches + ["src"]
        let arches = supported.map { "\"\($0)\"" }.joined(separator: ", ")
        let request = #"{"supported_arches": [\#(arches)]}"#
        while !Task.isCancelled {
            guard let answer = await retrying("get_task", body: request, server: &server) else { return }
            guard answer.status == 200, let task = Self.task(in: answer.body) else {
                // `null` (nothing to do) or an unexpected 4xx: ask again a little later.
                try? await Task.sleep(for: plan.idleSleep)
                continue
            }
            await held.add(task)
            await ledger.claimed(task, node: name)
            try? await Task.sleep(for: plan.buildTime(task))
            if Task.isCancelled { return }
            await finish(task, server: &server)
            await held.remove(task)
        }
    }

    /// Uploads the log (some tasks) and reports the result, retrying until an answer that is
    /// not a 5xx or a broken connection.
    private func finish(_ task: Int64, server: inout Int) async {
        let outcome = plan.outcome(task)
        var artifacts: [String] = []
        var sha256: [String] = []
        if plan.hasArtifact(task), let uploaded = await upload(task) {
            sha256.append(uploaded.sha256)
            artifacts.append(
                #"{"name": "mock_build.\#(task).log", "type": "build_log", "href": "\#(uploaded.href)", "sha256": "\#(uploaded.sha256)", "path": "/srv/chaos/\#(task).log", "cas_hash": null}"#
            )
        }
        let body = """
            {"task_id": \(task), "status": "\(outcome)", "artifacts": [\(artifacts.joined(separator: ", "))],
             "stats": {"build_node_stats": {"build_packages": {"start_ts": "x", "end_ts": "y", "delta": "1"}}},
             "is_cas_authenticated": false, "git_commit_hash": "0123456789abcdef0123456789abcdef01234567",
             "alma_commit_cas_hash": null}
            """
        var ambiguous = false
        var delay = plan.retryDelay
        while !Task.isCancelled {
            do {
                let answer = try await call("build_done", body: body, server: server)
                if answer.status >= 500 {
                    ambiguous = true
                } else {
                    // The real node takes any 409 as "already done"; the ledger keeps the server's
                    // reason, so a 409 for a lease lost while retrying is not counted as a result.
                    let detail = Self.detail(in: answer.body)
                    let kind: ChaosLedger.FinishAnswer =
                        switch answer.status {
                        case 200: .accepted
                        case 409 where ambiguous && detail.contains("already finished"): .alreadyDoneAfterRetry
                        case 409: .refused
                        default: .rejected
                        }
                    await ledger.finished(
                        task, node: name, outcome: outcome, answer: kind, status: answer.status, sha256: sha256,
                        detail: detail)
                    return
                }
            } catch {
                ambiguous = true
            }
            server = (server + 1) % servers.count
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    /// Uploads a log unique to this task and node, retrying while the artifact store is down.
    private func upload(_ task: Int64) async -> UploadedArtifact? {
        let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-chaos-\(name)-\(task)-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: file) }
        do { try Data("chaos build log of task \(task) on \(name) \(UUID().uuidString)\n".utf8).write(to: file) } catch
        {
            return nil
        }
        var delay = plan.retryDelay
        while !Task.isCancelled {
            do { return try await store.uploadArtifact(file: file) } catch {
                await ledger.uploadError(node: name)
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        return nil
    }

    /// `call` until the answer is not a 5xx and the connection held; nil once cancelled.
    private func retrying(_ path: String, body: String, server: inout Int) async -> Answer? {
        var delay = plan.retryDelay
        while !Task.isCancelled {
            if let answer = try? await call(path, body: body, server: server), answer.status < 500 {
                return answer
            }
            server = (server + 1) % servers.count
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
        return nil
    }

    /// One POST to `/api/v1/build_node/<path>`; 5xx answers and connection failures are counted.
    private func call(_ path: String, body: String, server: Int) async throws -> Answer {
        var request = HTTPClientRequest(url: "\(servers[server])/api/v1/build_node/\(path)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let start = ContinuousClock.now
        do {
            let response = try await http.execute(request, timeout: plan.requestTimeout)
            let bytes = try await response.body.collect(upTo: 8 << 20)
            let status = Int(response.status.code)
            if status == 503 && response.headers.first(name: "Retry-After") != nil {
                // the designed outage answer (PostgreSQL away): retried, counted apart from 5xx
                await ledger.outageAnswer(path: path, node: name)
            } else if status >= 500 {
                await ledger.serverError(status, path: path, node: name)
            }
            return Answer(status: status, body: bytes)
        } catch {
            if !Task.isCancelled {
                await ledger.connectionError(
                    path: path, node: name, after: (ContinuousClock.now - start).milliseconds, error: "\(error)")
            }
            throw error
        }
    }

    /// The `detail` of an error answer, or "".
    static func detail(in body: ByteBuffer) -> String {
        let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return object?["detail"] as? String ?? ""
    }

    /// The task id of a `get_task` answer; nil for `null`.
    static func task(in body: ByteBuffer) -> Int64? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let id = object["id"] as? Int
        else { return nil }
        return Int64(id)
    }
}

/// The nodes' workload: arches, timings, which tasks fail and which carry a log artifact.
struct ChaosPlan: Sendable {
    var arches: [String]
    var pingInterval: Duration = .seconds(2)
    var idleSleep: Duration = .milliseconds(500)
    var retryDelay: Duration = .milliseconds(200)
    var requestTimeout: TimeAmount = .seconds(15)
    /// Build time per task: 50 ms + up to `maxBuildMs` more, from the task id.
    var maxBuildMs: Int = 1500
    /// Every n-th task uploads a log and reports it (an import into the artifact store).
    var artifactEvery: Int = 20

    func buildTime(_ task: Int64) -> Duration {
        .milliseconds(50 + Int((task &* 7919) % Int64(max(1, maxBuildMs))))
    }

    /// Every 10th task fails, every 50th is excluded, the rest are done.
    func outcome(_ task: Int64) -> String {
        if task % 50 == 3 { return "excluded" }
        return task % 10 == 7 ? "failed" : "done"
    }

    func hasArtifact(_ task: Int64) -> Bool { artifactEvery > 0 && task % Int64(artifactEvery) == 0 }
}
