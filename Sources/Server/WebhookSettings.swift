/// How Kiln accepts push webhooks from GitHub and Gitea (`POST /api/v1/webhooks/{github,gitea}`).
package struct WebhookSettings: Sendable, Equatable {
    /// The shared HMAC-SHA256 secret (`KILN_WEBHOOK_SECRET`); nil: webhooks are refused with 503.
    package var secret: [UInt8]?
    /// The branch whose pushes trigger a reconcile; nil: the reconcile loop's branch (any push
    /// when the loop follows `HEAD` or a SHA of a local repository).
    package var branch: String?

    package init(secret: [UInt8]? = nil, branch: String? = nil) {
        self.secret = secret
        self.branch = branch
    }
}
