import Artifacts
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import PostgresNIO
import Server
import Testing

/// Issue 8: every route of the router, walked with extreme integers (Int64.max, 2^63, -1, 0),
/// NUL bytes, lone surrogates, invalid UTF-8, huge strings, deep JSON and oversized bodies in its
/// path, query and body. Each answer is below 500, refusals are 4xx with a JSON `detail`,
/// PostgreSQL (every table's rows) and the artifact store (its files) are unchanged, and the
/// server still answers afterwards.
@Suite struct HostileInputTests {
    /// A body limit small enough that the oversized probe is cheap.
    static let bodyLimit = 256 * 1024

    @Test func everyRouteRefusesHostileInputAndChangesNothing() async throws {
        let packages = try TestPackages.get()
        var settings = ServerSettings()
        settings.limits.maxBodySize = Self.bodyLimit
        let secret = Array("hostile-webhook-secret".utf8)
        let configure: (inout ServerDependencies) -> Void = { $0.webhooks = WebhookSettings(secret: secret) }
        try await ServerHarness.with(settings: settings, configure: configure) { h in
            // A platform, a build whose one task a node holds, and an uploaded RPM: a valid
            // `build_done` is one field away from writing to the store and the database.
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let admin = try await h.userToken("root", admin: true)
            let user = try await h.userToken("alice")
            let build = try await h.createBuild(token: user)
            let holder = try await SimulatedNode(h, name: "holder", arches: ["x86_64"])
            guard let task = try await holder.getTask() else { throw HarnessError(description: "no task to claim") }
            let uploaded = try await h.store.uploadArtifact(file: packages.rpm("hello", arch: "x86_64"))
            // Cancelling is not undone: its probes go to a build already cancelled (changes nothing).
            let cancelled = try await h.createBuild(token: user)
            let cancel = try await h.call(.PATCH, "/api/v1/builds/\(cancelled.id)/cancel", token: admin)
            #expect(cancel.status == 200, "\(cancel.text)")
            var templates = BodyTemplates(
                taskID: task.id, buildID: build.id, href: uploaded.href, sha256: uploaded.sha256)
            templates.cancelledBuildID = cancelled.id

            let routes = Self.routes(h)
            #expect(routes.count >= 26, "\(routes)")
            let databaseBefore = try await Self.databaseDigest(h.client)
            let storeBefore = try await Self.storeListing(h.store)

            var probes: [Probe] = []
            for route in routes {
                let token: String
                if route.path.hasPrefix("/api/v1/build_node") {
                    token = holder.token
                } else if route.path.hasPrefix("/api/v1/reconcile") && route.method == .POST {
                    token = user
                } else if route.path.hasPrefix("/api/v1/auth/logout") {
                    token = "not-a-token"  // a valid one would be revoked: a change, and the admin's
                } else {
                    token = admin
                }
                probes += Self.probes(for: route, token: token, templates: templates, secret: secret)
            }
            #expect(probes.count > 500, "\(probes.count) probes")

            var failures: [String] = []
            for probe in probes {
                let answer = try await h.send(probe.method, probe.path, headers: probe.headers, body: probe.body)
                let label = "\(probe.method) \(probe.path.prefix(120)) [\(probe.label)]"
                if answer.status >= 500 {
                    failures.append("\(label): \(answer.status) \(answer.text.prefix(300))")
                } else if probe.mustRefuse && !(400..<500).contains(answer.status) {
                    failures.append("\(label): expected a refusal, got \(answer.status) \(answer.text.prefix(300))")
                } else if answer.status >= 400 && answer.detail == nil {
                    failures.append("\(label): \(answer.status) without a JSON detail: \(answer.text.prefix(300))")
                }
            }
            #expect(failures.isEmpty, "\(failures.count) bad answers:\n\(failures.prefix(40).joined(separator: "\n"))")

            // Nothing changed anywhere.
            let databaseAfter = try await Self.databaseDigest(h.client)
            for (table, digest) in databaseBefore where databaseAfter[table] != digest {
                Issue.record("table \(table) changed: \(digest) -> \(databaseAfter[table] ?? "gone")")
            }
            #expect(databaseAfter.count == databaseBefore.count)
            let storeAfter = try await Self.storeListing(h.store)
            #expect(storeAfter == storeBefore, "the artifact store changed")

            // The server still answers, and the real result is still accepted.
            let health = try await h.call(.GET, "/health")
            #expect(health.status == 200)
            let list = try await h.call(.GET, "/api/v1/builds/", token: user)
            #expect(list.status == 200)
            #expect(list.array.count == 2, "the build and the cancelled one")
            let done = try await holder.buildDone(task.id, rpms: [packages.rpm("hello", arch: "x86_64")])
            #expect(done.status == 200, "\(done.text)")
        }
    }

    // MARK: - Routes and probes

    struct Route: Sendable, CustomStringConvertible {
        var method: HTTPMethod
        var path: String
        var description: String { "\(method) \(path)" }
    }

    struct Probe: Sendable {
        var method: HTTPMethod
        var path: String
        var headers: [(String, String)]
        var body: ByteBuffer?
        /// True: the answer must be a 4xx (false: anything below 500, e.g. a page past the end).
        var mustRefuse: Bool
        var label: String
    }

    /// Every route the router holds (captures spelled `{name}`).
    static func routes(_ h: ServerHarness) -> [Route] {
        let dependencies = ServerDependencies(database: h.client, artifactStore: h.store, tokens: h.tokens)
        return KilnServer.makeRouter(dependencies).routes.map { route in
            Route(method: HTTPMethod(rawValue: route.method.rawValue), path: route.path.description)
        }
    }

    /// Values for integer path segments and query parameters: the raw text and whether it is a
    /// valid positive 64-bit integer.
    static let integerTexts: [(String, Bool)] = [
        ("9223372036854775807", true), ("9223372036854775808", false), ("-1", false), ("0", false),
        ("-9223372036854775809", false), ("1e400", false), ("%00", false), ("1%00", false), ("%FF%FE", false),
        (String(repeating: "9", count: 5000), false)
    ]

    /// Raw JSON values a body leaf is replaced with: the text and whether the answer must be a refusal.
    static let leafValues: [(String, Bool)] = [
        (#""a\u0000b""#, true), (#""\ud800""#, true), (#""\udc00x""#, true),
        ("\"" + String(repeating: "x", count: 100_000) + "\"", true),
        ("9223372036854775807", false), ("9223372036854775808", true), ("-1", true),
        ("-9223372036854775809", true), ("1e400", true), ("0.5", true)
    ]

    static func probes(for route: Route, token: String, templates: BodyTemplates, secret: [UInt8]) -> [Probe] {
        let auth = [("Authorization", "Bearer \(token)")]
        let json = auth + [("Content-Type", "application/json")]
        let template = templates.body(for: route)
        let hasBody = [.POST, .PUT, .PATCH].contains(route.method)
        let isWebhook = route.path.hasPrefix("/api/v1/webhooks")
        var probes: [Probe] = []
        let captures = route.path.split(separator: "/").filter { $0.hasPrefix("{") }
        /// The route with every capture set to `value`.
        func path(_ value: String) -> String {
            "/" + route.path.split(separator: "/").map { $0.hasPrefix("{") ? value : String($0) }.joined(separator: "/")
        }
        func bodyBuffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
        func headers(for body: [UInt8]) -> [(String, String)] {
            guard isWebhook else { return json }
            let forge = route.path.hasSuffix("github")
            let signature = WebhookSignature.hex(body: body, secret: secret)
            return json + [
                forge ? ("X-Hub-Signature-256", "sha256=\(signature)") : ("X-Gitea-Signature", signature),
                (forge ? "X-GitHub-Event" : "X-Gitea-Event", "push")
            ]
        }
        let validPath = path(templates.validID(for: route))

        // Path captures.
        if !captures.isEmpty {
            for (text, _) in integerTexts {
                let body = template.map { bodyBuffer($0) }
                probes.append(
                    Probe(
                        method: route.method, path: path(text), headers: json, body: body, mustRefuse: true,
                        label: "path \(text.prefix(24))"))
            }
        }
        // Query parameters (pages and anything else a route might read).
        if route.method == .GET {
            for (text, valid) in integerTexts {
                let pages = ["pageNumber", "page"]
                let readsPage = route.path == "/api/v1/builds" || route.path == "/api/v1/reconcile/runs"
                for name in pages {
                    probes.append(
                        Probe(
                            method: .GET, path: validPath + "?\(name)=\(text)", headers: auth, body: nil,
                            mustRefuse: readsPage && !valid
                                && name == (route.path == "/api/v1/builds" ? "pageNumber" : "page"),
                            label: "query \(name)=\(text.prefix(24))"))
                }
            }
        }
        guard hasBody else { return probes }

        // Whole bodies: invalid UTF-8, deep JSON, oversized, empty, not JSON. A route that reads
        // no body (restart-failed, reconcile) may ignore them: it must only not fail.
        let readsBody = template != nil || isWebhook
        let deepArrays = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let deepObjects = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        var raws: [(String, [UInt8])] = [
            ("invalid UTF-8", Array(#"{"name": ""#.utf8) + [0xFF, 0xFE, 0xC3] + Array(#""}"#.utf8)),
            ("invalid UTF-8 bare", [0xFF, 0xFE, 0x00, 0x81]),
            ("deep arrays", Array(deepArrays.utf8)),
            ("deep objects", Array(deepObjects.utf8)),
            ("NUL outside strings", Array("{\u{0}}".utf8)),
            ("empty", [])
        ]
        if !isWebhook {
            raws.append(("oversized", Array(repeating: UInt8(ascii: " "), count: bodyLimit + 1)))
        }
        for (label, bytes) in raws {
            probes.append(
                Probe(
                    method: route.method, path: validPath, headers: headers(for: bytes),
                    body: ByteBuffer(bytes: bytes), mustRefuse: readsBody, label: label))
        }
        if isWebhook {
            // Unsigned and badly signed deliveries, with bodies the server must not read.
            for (label, header) in [
                ("no signature", nil), ("bad signature", "sha256=zz"), ("short signature", "sha256=00")
            ] {
                var fields = json
                if let header {
                    fields.append(
                        (route.path.hasSuffix("github") ? "X-Hub-Signature-256" : "X-Gitea-Signature", header))
                }
                probes.append(
                    Probe(
                        method: route.method, path: validPath, headers: fields,
                        body: ByteBuffer(bytes: Array(repeating: UInt8(ascii: " "), count: bodyLimit + 1)),
                        mustRefuse: true, label: label))
            }
        }
        // Every leaf of a valid body replaced by each hostile value.
        if let object = templates.object(for: route) {
            for leaf in leafPaths(object) {
                for (value, mustRefuse) in leafValues {
                    guard let text = replacing(leaf, in: object, with: value) else { continue }
                    let bytes = Array(text.utf8)
                    probes.append(
                        Probe(
                            method: route.method, path: validPath, headers: headers(for: bytes),
                            body: ByteBuffer(bytes: bytes), mustRefuse: mustRefuse,
                            label: "\(leaf.map(\.description).joined(separator: ".")) = \(value.prefix(24))"))
                }
            }
        }
        return probes
    }

    /// One step into a JSON value.
    enum Step: CustomStringConvertible {
        case key(String)
        case index(Int)
        var description: String {
            switch self {
            case .key(let key): key
            case .index(let index): "[\(index)]"
            }
        }
    }

    /// The paths of every string and number leaf of `value` (not booleans or nulls).
    static func leafPaths(_ value: Any, prefix: [Step] = []) -> [[Step]] {
        if let object = value as? [String: Any] {
            return object.keys.sorted().flatMap { leafPaths(object[$0] ?? NSNull(), prefix: prefix + [.key($0)]) }
        }
        if let array = value as? [Any] {
            return array.enumerated().flatMap { leafPaths($1, prefix: prefix + [.index($0)]) }
        }
        if value is Bool { return [] }
        if value is String || value is Int || value is Double { return [prefix] }
        return []
    }

    /// `value` as JSON text with the leaf at `path` replaced by the raw JSON `raw`.
    static func replacing(_ path: [Step], in value: Any, with raw: String) -> String? {
        let marker = "@@hostile-leaf@@"
        func set(_ value: Any, _ path: ArraySlice<Step>) -> Any {
            guard let step = path.first else { return marker }
            switch step {
            case .key(let key):
                var object = value as? [String: Any] ?? [:]
                object[key] = set(object[key] ?? NSNull(), path.dropFirst())
                return object
            case .index(let index):
                var array = value as? [Any] ?? []
                if array.indices.contains(index) { array[index] = set(array[index], path.dropFirst()) }
                return array
            }
        }
        let replaced = set(value, path[...])
        guard
            let data = try? JSONSerialization.data(withJSONObject: replaced, options: [.sortedKeys, .fragmentsAllowed])
        else { return nil }
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"\(marker)\"", with: raw)
    }

    // MARK: - State

    /// Per table of the public schema: its row count and an MD5 of every row's text.
    static func databaseDigest(_ client: PostgresClient) async throws -> [String: String] {
        var tables: [String] = []
        for try await name in try await client.query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).decode(String.self) { tables.append(name) }
        var digest: [String: String] = [:]
        for table in tables {
            let sql = """
                SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '')
                FROM "\(table)" t
                """
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(String.self) {
                digest[table] = value
            }
        }
        return digest
    }

    /// Every file of the local artifact store with its size.
    static func storeListing(_ store: any ArtifactStore) async throws -> [String] {
        guard let local = store as? LocalArtifactStore else {
            throw HarnessError(description: "the hostile-input walk needs the local artifact store")
        }
        let root = await local.root
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.fileSizeKey, .isDirectoryKey])
        while let url = enumerator?.nextObject() as? URL {
            let values = try url.resourceValues(forKeys: [.fileSizeKey, .isDirectoryKey])
            files.append(
                "\(url.path.dropFirst(root.path.count)) \(values.isDirectory == true ? "dir" : "\(values.fileSize ?? -1)")"
            )
        }
        return files.sorted()
    }
}

/// A valid body for each route that takes one (nil: the route takes none, or a new route: only
/// the whole-body probes run), and a valid id for its path captures.
struct BodyTemplates: Sendable {
    var taskID: Int
    var buildID: Int
    var href: String
    var sha256: String
    /// A build already cancelled (the `cancel` route's valid id).
    var cancelledBuildID: Int? = nil

    func validID(for route: HostileInputTests.Route) -> String {
        if route.path.hasSuffix("/cancel"), let cancelledBuildID { return String(cancelledBuildID) }
        return route.path.contains("{build_id}") ? String(buildID) : "1"
    }

    /// The valid body as JSON text.
    func body(for route: HostileInputTests.Route) -> String? {
        guard let object = object(for: route),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The valid body as a JSON value built in Swift (booleans stay `Bool`, numbers `Int`).
    func object(for route: HostileInputTests.Route) -> Any? {
        switch (route.method, route.path) {
        case (.POST, "/api/v1/builds"):
            return [
                "platforms": [["name": "P", "arch_list": ["x86_64"]]],
                "tasks": [
                    [
                        "url": "https://git.example.org/rpms/world.git", "git_ref": "main", "ref_type": 1,
                        "git_commit_hash": "0123456789abcdef"
                    ]
                ],
                "linked_builds": [buildID], "is_secure_boot": false
            ]
        case (.POST, "/api/v1/build_node/ping"):
            return ["active_tasks": [taskID]]
        case (.POST, "/api/v1/build_node/get_task"):
            return ["supported_arches": ["x86_64"], "excluded_packages": ["hello"]]
        case (.POST, "/api/v1/build_node/build_done"):
            return [
                "task_id": taskID, "status": "done", "is_cas_authenticated": false,
                "git_commit_hash": "0123456789abcdef0123456789abcdef01234567", "alma_commit_cas_hash": "cas",
                "artifacts": [
                    [
                        "name": "hello-1.0-1.x86_64.rpm", "type": "rpm", "href": href, "sha256": sha256,
                        "path": "/srv/build/hello-1.0-1.x86_64.rpm", "cas_hash": "cas"
                    ]
                ]
            ]
        case (.POST, "/api/v1/platforms"), (.PUT, "/api/v1/platforms"):
            return [
                "name": "Q", "type": "rpm", "distr_type": "rhel", "distr_version": "9", "test_dist_name": "alma",
                "arch_list": ["x86_64"],
                "repos": [
                    ["name": "BaseOS", "arch": "x86_64", "url": "https://r.example.org/", "type": "rpm", "debug": false]
                ],
                "data": ["n": 1, "s": "v"]
            ]
        case (.POST, "/api/v1/distributions"):
            return ["name": "D", "platforms": ["P"]]
        case (.POST, "/api/v1/sign-keys/new"), (.PUT, "/api/v1/sign-keys/{sign_key_id}"):
            return [
                "name": "K", "description": "d", "keyid": "ABCD", "fingerprint": "0123", "public_url": "https://k/"
            ]
        case (.POST, "/api/v1/webhooks/github"), (.POST, "/api/v1/webhooks/gitea"):
            return ["ref": "refs/heads/main", "after": "0123456789abcdef"]
        case (.PATCH, _) where route.path.hasPrefix("/api/v1/platforms/"):
            return [1]
        default:
            return nil
        }
    }
}
