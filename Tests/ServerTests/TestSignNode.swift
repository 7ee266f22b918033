import Artifacts
import AsyncHTTPClient
import Foundation
import KilnTestSupport
import NIOCore
import NIOHTTP1
import PostgresNIO
import Processes
import Server
import Statuses
import Store

/// A sign node speaking the protocol of AlmaLinux's `albs-sign-node` (`sign_node/signer.py`)
/// over HTTP: `get_sign_task` with the key ids it holds, then `community/get_gen_sign_key_task`;
/// each package downloaded from its `download_url` (basic auth node id / token, as the node
/// does), signed with `rpmsign --addsign`, uploaded to the artifact store as an artifact, and
/// reported to `complete/` with the node's fields (`id, name, arch, type, href, fingerprint,
/// sha256, cas_hash`) and `stats`.
struct TestSignNode<Harness: BuildHarness>: Sendable {
    let harness: Harness
    let name: String
    let token: String
    let key: GPGSigningKey

    /// How this node misbehaves (the refusal tests), if at all.
    enum Tamper: Sendable, Equatable {
        /// Signs with `other` instead of the task's key.
        case otherKey(GPGSigningKey)
        /// Reports the signed file of the task's last package for its first package.
        case swapFirstPackage
        /// Reports a wrong sha256 for the first package.
        case wrongSHA256
        /// Uploads the first package unsigned and reports it as signed.
        case unsignedFirstPackage
    }

    init(_ harness: Harness, name: String, key: GPGSigningKey) async throws {
        self.harness = harness
        self.name = name
        self.key = key
        self.token = try await harness.tokens.issue(KilnClaims(sub: name, scope: .signNode))
    }

    /// `get_sign_task` then `community/get_gen_sign_key_task`, as the node's loop does: the task,
    /// or nil for `{}`. Throws unless both answer 200 and the task has exactly ALBS's
    /// `AvailableSignTask` keys (and `SignRpmInfo` keys per package).
    func getTask() async throws -> AvailableSignTask? {
        let answer = try await harness.call(
            .POST, "/api/v1/sign-tasks/get_sign_task/", token: token, json: ["key_ids": [key.keyID]])
        guard answer.status == 200 else {
            throw HarnessError(description: "get_sign_task answered \(answer.status): \(answer.text)")
        }
        let community = try await harness.call(
            .POST, "/api/v1/sign-tasks/community/get_gen_sign_key_task/", token: token, json: [:])
        guard community.status == 200, community.text == "{}" else {
            throw HarnessError(description: "get_gen_sign_key_task answered \(community.status): \(community.text)")
        }
        if answer.text == "{}" { return nil }
        try expectKeys(answer.json, AvailableSignTask.CodingKeys.allCases.map(\.rawValue), at: "sign task")
        for (index, package) in (answer.object["packages"] as? [Any] ?? []).enumerated() {
            try expectKeys(package, SignRpmInfo.CodingKeys.allCases.map(\.rawValue), at: "packages[\(index)]")
        }
        return try WireJSON.decoder().decode(AvailableSignTask.self, from: answer.body)
    }

    /// Downloads, signs, uploads and completes `task` (with `tamper`, misbehaving); returns the
    /// `complete` answer. The files live in a folder removed afterwards.
    @discardableResult
    func sign(_ task: AvailableSignTask, tamper: Tamper? = nil) async throws -> HTTPAnswer {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-sign-node-\(name)-\(task.id)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let started = Date()
        var files: [URL] = []
        for package in task.packages {
            let dir = folder.appendingPathComponent(String(package.id), isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let file = dir.appendingPathComponent(package.name)
            try await download(package.downloadURL, to: file)
            files.append(file)
        }
        var unsignedFirst: URL?
        if tamper == .unsignedFirstPackage, let first = files.first {
            let copy = folder.appendingPathComponent("unsigned-\(first.lastPathComponent)")
            try FileManager.default.copyItem(at: first, to: copy)
            unsignedFirst = copy
        }
        if case .otherKey(let other) = tamper {
            try await other.sign(files)
        } else {
            try await key.sign(files)
        }
        var packages: [[String: Any]] = []
        for (index, (package, file)) in zip(task.packages, files).enumerated() {
            var reported = file
            if index == 0, tamper == .swapFirstPackage, let last = files.last { reported = last }
            if index == 0, let unsignedFirst { reported = unsignedFirst }
            let uploaded = try await harness.store.uploadArtifact(file: reported)
            var sha256 = uploaded.sha256
            if index == 0, tamper == .wrongSHA256 { sha256 = String(repeating: "0", count: 64) }
            packages.append([
                "id": package.id, "name": package.name, "arch": package.arch, "type": package.type,
                "href": uploaded.href, "fingerprint": key.fingerprint, "sha256": sha256,
                "cas_hash": package.casHash.map { $0 as Any } ?? NSNull()
            ])
        }
        let stats: [String: Any] = [
            "sign_task_start_time": "\(started)", "download_packages_time": 0, "sign_packages_time": 0,
            "notarization_packages_time": 0, "signature_check_packages_time": 0, "upload_packages_time": 0
        ]
        return try await complete(
            task.id, ["build_id": task.buildID, "success": true, "packages": packages, "stats": stats])
    }

    /// Reports a failure, as the node does when anything throws.
    func fail(_ task: AvailableSignTask, message: String) async throws -> HTTPAnswer {
        try await complete(task.id, ["build_id": task.buildID, "success": false, "error_message": message])
    }

    /// `POST {id}/complete/` with `body`.
    func complete(_ id: Int64, _ body: [String: Any]) async throws -> HTTPAnswer {
        try await harness.call(.POST, "/api/v1/sign-tasks/\(id)/complete/", token: token, json: body)
    }

    private func download(_ url: String, to file: URL) async throws {
        var request = HTTPClientRequest(url: url)
        let credentials = Data("\(name):\(token)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        guard response.status == .ok else { throw HarnessError(description: "GET \(url) answered \(response.status)") }
        let body = try await response.body.collect(upTo: 256 * 1024 * 1024)
        try Data(body.readableBytesView).write(to: file)
    }
}
