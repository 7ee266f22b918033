import Foundation
import KilnTestSupport
import NIOHTTP1
import Server
import XCTest

/// Push webhooks from GitHub and Gitea: signatures, events, branches, and a push applied.
final class WebhookTests: XCTestCase {
    /// GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
    func testSignatureMatchesGitHubsExample() {
        let secret = Array("It's a Secret to Everybody".utf8)
        let body = Array("Hello, World!".utf8)
        let expected = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        XCTAssertEqual(WebhookSignature.hex(body: body, secret: secret), expected)
        XCTAssertTrue(
            WebhookSignature.isValid(header: "sha256=" + expected, prefix: "sha256=", body: body, secret: secret))
        XCTAssertTrue(WebhookSignature.isValid(header: expected.uppercased(), prefix: "", body: body, secret: secret))
        XCTAssertFalse(WebhookSignature.isValid(header: expected, prefix: "sha256=", body: body, secret: secret))
        XCTAssertFalse(
            WebhookSignature.isValid(
                header: "sha256=" + expected.dropLast() + "0", prefix: "sha256=", body: body, secret: secret))
        XCTAssertFalse(WebhookSignature.isValid(header: "sha256=zz", prefix: "sha256=", body: body, secret: secret))
        XCTAssertFalse(
            WebhookSignature.isValid(
                header: "sha256=" + expected, prefix: "sha256=", body: body + [0x20], secret: secret))
    }

    func testWebhooksVerifySignaturesAndApplyPushes() async throws {
        try await DesiredStateHarness.with(runLoop: true) { h in
            let user = try await h.token(.user)
            // The loop reconciles once at start.
            try await Self.waitForRun(h, user: user) {
                $0["commit_sha"] as? String == h.initialSHA && $0["result"] as? String == "applied"
            }

            // A new commit changes one field of the EPEL repository.
            try h.repo.write(
                "examples/repositories/epel-9-x86_64.yml",
                """
                name: epel-9
                arch: x86_64
                url: https://mirror.example.org/epel/9/x86_64/
                type: rpm
                debug: false
                production: false
                """)
            let sha = try h.repo.commit("move epel")
            let push = #"{"ref":"refs/heads/main","after":"\#(sha)","repository":{"full_name":"ops/state"}}"#
            let signature =
                "sha256=" + WebhookSignature.hex(body: Array(push.utf8), secret: DesiredStateHarness.webhookSecret)

            // bad and missing signatures: 401, nothing triggered
            let bad = try await h.call(
                .POST, "/api/v1/webhooks/github", raw: push,
                headers: [
                    "X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + String(repeating: "0", count: 64)
                ])
            XCTAssertEqual(bad.status, 401)
            XCTAssertTrue(bad.detail?.contains("signature") == true, bad.text)
            let missing = try await h.call(
                .POST, "/api/v1/webhooks/github", raw: push, headers: ["X-GitHub-Event": "push"])
            XCTAssertEqual(missing.status, 401)
            XCTAssertEqual(missing.detail, "Missing X-Hub-Signature-256 header")
            let tampered = try await h.call(
                .POST, "/api/v1/webhooks/github", raw: push + " ",
                headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": signature])
            XCTAssertEqual(tampered.status, 401)

            // ping
            let ping = #"{"zen":"Keep it logically awesome.","hook_id":1}"#
            let pong = try await h.call(
                .POST, "/api/v1/webhooks/github", raw: ping,
                headers: [
                    "X-GitHub-Event": "ping",
                    "X-Hub-Signature-256": "sha256="
                        + WebhookSignature.hex(body: Array(ping.utf8), secret: DesiredStateHarness.webhookSecret)
                ])
            XCTAssertEqual(pong.status, 200, pong.text)

            // a push to another branch is ignored
            let other = #"{"ref":"refs/heads/feature","after":"\#(sha)"}"#
            let ignored = try await h.call(
                .POST, "/api/v1/webhooks/github", raw: other,
                headers: [
                    "X-GitHub-Event": "push",
                    "X-Hub-Signature-256": "sha256="
                        + WebhookSignature.hex(body: Array(other.utf8), secret: DesiredStateHarness.webhookSecret)
                ])
            XCTAssertEqual(ignored.status, 202)
            XCTAssertEqual(ignored.object["status"] as? String, "ignored")
            let webhookRuns = try await h.count("SELECT count(*) FROM reconcile_runs WHERE trigger = 'webhook'")
            XCTAssertEqual(webhookRuns, 0, "no run for refused or ignored deliveries")

            // a good push is accepted at once and applied by the loop
            let accepted = try await h.call(
                .POST, "/api/v1/webhooks/github", raw: push,
                headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": signature])
            XCTAssertEqual(accepted.status, 202, accepted.text)
            XCTAssertEqual(accepted.object["status"] as? String, "accepted")
            try await Self.waitForRun(h, user: user) {
                $0["trigger"] as? String == "webhook" && $0["commit_sha"] as? String == sha
                    && $0["result"] as? String == "applied"
            }
            let repositories = try await h.call(.GET, "/api/v1/repositories/", token: user)
            let epel = try XCTUnwrap(repositories.array.first { $0["name"] as? String == "epel-9" })
            XCTAssertEqual(epel["url"] as? String, "https://mirror.example.org/epel/9/x86_64/")
            XCTAssertEqual(epel["commit_sha"] as? String, sha)

            // Gitea: plain hex signature
            try h.repo.write(
                "examples/repositories/epel-9-x86_64.yml",
                """
                name: epel-9
                arch: x86_64
                url: https://gitea-mirror.example.org/epel/9/x86_64/
                type: rpm
                debug: false
                production: true
                """)
            let giteaSHA = try h.repo.commit("epel to production")
            let giteaPush = #"{"ref":"refs/heads/main","after":"\#(giteaSHA)"}"#
            let giteaBad = try await h.call(
                .POST, "/api/v1/webhooks/gitea", raw: giteaPush,
                headers: [
                    "X-Gitea-Event": "push",
                    "X-Gitea-Signature": "sha256="
                        + WebhookSignature.hex(body: Array(giteaPush.utf8), secret: DesiredStateHarness.webhookSecret)
                ])
            XCTAssertEqual(giteaBad.status, 401, "Gitea signs with bare hex")
            let giteaOK = try await h.call(
                .POST, "/api/v1/webhooks/gitea", raw: giteaPush,
                headers: [
                    "X-Gitea-Event": "push",
                    "X-Gitea-Signature": WebhookSignature.hex(
                        body: Array(giteaPush.utf8), secret: DesiredStateHarness.webhookSecret)
                ])
            XCTAssertEqual(giteaOK.status, 202, giteaOK.text)
            try await Self.waitForRun(h, user: user) {
                $0["trigger"] as? String == "webhook" && $0["commit_sha"] as? String == giteaSHA
                    && $0["result"] as? String == "applied"
            }
            let after = try await h.call(.GET, "/api/v1/repositories/", token: user)
            let epelAfter = try XCTUnwrap(after.array.first { $0["name"] as? String == "epel-9" })
            XCTAssertEqual(epelAfter["production"] as? Bool, true)
            XCTAssertEqual(epelAfter["commit_sha"] as? String, giteaSHA)
        }
    }

    /// Without KILN_WEBHOOK_SECRET nothing is accepted, however it is signed.
    func testWebhooksRefusedWithoutSecret() async throws {
        try await DesiredStateHarness.with(webhookSecret: nil) { h in
            let push = #"{"ref":"refs/heads/main"}"#
            for (path, header, prefix) in [
                ("github", "X-Hub-Signature-256", "sha256="), ("gitea", "X-Gitea-Signature", "")
            ] {
                let answer = try await h.call(
                    .POST, "/api/v1/webhooks/\(path)", raw: push,
                    headers: [
                        "X-GitHub-Event": "push", "X-Gitea-Event": "push",
                        header: prefix + WebhookSignature.hex(body: Array(push.utf8), secret: Array("guess".utf8))
                    ])
                XCTAssertEqual(answer.status, 503, answer.text)
                XCTAssertEqual(answer.detail, "Webhooks are disabled: set KILN_WEBHOOK_SECRET")
            }
            let runs = try await h.count("SELECT count(*) FROM reconcile_runs")
            XCTAssertEqual(runs, 0)
        }
    }

    /// Polls `GET /api/v1/reconcile/runs` until a run matches (at most 20 s).
    private static func waitForRun(
        _ h: DesiredStateHarness, user: String,
        _ matches: ([String: Any]) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        var last = ""
        while ContinuousClock.now < deadline {
            let answer = try await h.call(.GET, "/api/v1/reconcile/runs", token: user)
            last = answer.text
            if ((answer.object["runs"] as? [[String: Any]]) ?? []).contains(where: matches) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTFail("no matching reconcile run within 20 s; last listing: \(last)")
        throw HarnessError(description: "timed out")
    }
}
