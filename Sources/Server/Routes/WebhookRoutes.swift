import Foundation
import Hummingbird
import Reconciler

/// `/api/v1/webhooks`: push webhooks from GitHub (`POST /github`, `X-Hub-Signature-256:
/// sha256=<hex>`, `X-GitHub-Event`) and Gitea (`POST /gitea`, `X-Gitea-Signature: <hex>`,
/// `X-Gitea-Event`). The HMAC-SHA256 of the raw body with `KILN_WEBHOOK_SECRET` must match
/// (401 otherwise); `ping` answers 200; a push to the followed branch triggers the reconcile
/// loop and answers 202 at once; other pushes and events answer 202 `ignored`.
func addWebhookRoutes(to webhooks: RouterGroup<KilnRequestContext>, settings: WebhookSettings, loop: ReconcileLoop?) {
    let handler = WebhookHandler(settings: settings, loop: loop)
    webhooks.post("github") { request, context -> Response in
        let (status, answer) = try await handler.handle(request, forge: .github)
        return try WireAnswer(status, answer).response(from: request, context: context)
    }
    webhooks.post("gitea") { request, context -> Response in
        let (status, answer) = try await handler.handle(request, forge: .gitea)
        return try WireAnswer(status, answer).response(from: request, context: context)
    }
}

/// Verifies and acts on one push webhook.
struct WebhookHandler: Sendable {
    enum Forge: String, Sendable {
        case github, gitea
    }

    /// GitHub caps webhook payloads at 25 MB.
    static let maxBody = 26 * 1024 * 1024

    let settings: WebhookSettings
    let loop: ReconcileLoop?

    /// Checks and acts on one delivery; the status and answer to send.
    func handle(_ request: Request, forge: Forge) async throws -> (HTTPResponse.Status, WebhookAnswer) {
        guard let secret = settings.secret else {
            throw APIError(.serviceUnavailable, "Webhooks are disabled: set KILN_WEBHOOK_SECRET")
        }
        let header: String?
        let prefix: String
        switch forge {
        case .github:
            header = Self.header(request, "X-Hub-Signature-256")
            prefix = "sha256="
        case .gitea:
            header = Self.header(request, "X-Gitea-Signature")
            prefix = ""
        }
        // The signature header is checked (present, prefix + 64 hex digits) before a byte of
        // the body is read: an unsigned delivery costs no buffering.
        guard let header else {
            throw APIError(
                .unauthorized, "Missing \(forge == .github ? "X-Hub-Signature-256" : "X-Gitea-Signature") header")
        }
        guard WebhookSignature.isWellFormed(header: header, prefix: prefix) else {
            throw APIError(
                .unauthorized,
                "Bad webhook signature: expected \(prefix)<64 hex digits of the HMAC-SHA256 of the body>")
        }
        let body = [UInt8](
            try await RequestBody.collect(request, limit: Self.maxBody, setting: "GitHub's webhook payload cap"))
        guard WebhookSignature.isValid(header: header, prefix: prefix, body: body, secret: secret) else {
            throw APIError(
                .unauthorized,
                "Bad webhook signature: expected \(prefix)<hex HMAC-SHA256 of the body with KILN_WEBHOOK_SECRET>")
        }
        let event = eventName(request, forge: forge)
        if event == "ping" {
            return (.ok, WebhookAnswer(ok: true, detail: "pong"))
        }
        if let event, event != "push" {
            return (.accepted, WebhookAnswer(status: .ignored, detail: "Event '\(event)' is not a push"))
        }
        try RequestBody.checkDepth(Data(body))
        guard let payload = try? JSONDecoder().decode(PushPayload.self, from: Data(body)) else {
            throw APIError(.unprocessableContent, "A push payload must be a JSON object with a string 'ref'")
        }
        try InputCheck.text(payload.ref, "ref", maxLength: InputCheck.urlLength)
        try InputCheck.text(payload.after, "after", maxLength: InputCheck.hashLength)
        guard let loop else {
            throw APIError(
                .serviceUnavailable, "No desired-state repository is configured: start kiln serve with --repo")
        }
        if let branch = followedBranch(loop), payload.ref != "refs/heads/\(branch)" {
            return (
                .accepted,
                WebhookAnswer(
                    status: .ignored,
                    detail: "Push to \(payload.ref); Kiln follows refs/heads/\(branch)")
            )
        }
        loop.trigger(reason: "webhook")
        return (
            .accepted,
            WebhookAnswer(
                status: .accepted, detail: "Reconcile triggered: see GET /api/v1/reconcile/runs",
                ref: payload.ref, after: payload.after)
        )
    }

    /// The event header (`X-GitHub-Event`; for Gitea `X-Gitea-Event`, then `X-Gogs-Event`, then GitHub's).
    func eventName(_ request: Request, forge: Forge) -> String? {
        let names = forge == .github ? ["X-GitHub-Event"] : ["X-Gitea-Event", "X-Gogs-Event", "X-GitHub-Event"]
        for name in names {
            if let value = Self.header(request, name) {
                return value.trimmingCharacters(in: .whitespaces).lowercased()
            }
        }
        return nil
    }

    /// The value of header `name` (case-insensitive), nil when absent.
    static func header(_ request: Request, _ name: String) -> String? {
        let lower = name.lowercased()
        return request.headers.first { $0.name.canonicalName == lower }?.value
    }

    /// The branch whose pushes count: the setting, else the loop's branch (nil: any push).
    func followedBranch(_ loop: ReconcileLoop) -> String? {
        if let branch = settings.branch { return branch }
        switch loop.source {
        case .remote(_, let branch):
            return branch
        case .local(_, let ref):
            let name = ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : ref
            let isSHA = name.count >= 7 && name.allSatisfy(\.isHexDigit)
            return name == "HEAD" || isSHA ? nil : name
        }
    }
}
