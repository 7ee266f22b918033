import Hummingbird

/// The part of a GitHub or Gitea push payload Kiln reads.
package struct PushPayload: Decodable, Sendable, Equatable {
    /// The pushed ref (`refs/heads/main`).
    package var ref: String
    /// The commit the ref points at after the push.
    package var after: String?
}

/// The answer to a webhook delivery: `pong` to a ping, `ignored` or `accepted` to a push.
package struct WebhookAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    /// Present (true) on the answer to a ping only.
    package var ok: Bool?
    /// `ignored` or `accepted`; absent on a ping.
    package var status: Status?
    package var detail: String
    /// The pushed ref and commit, on an accepted push.
    package var ref: String?
    package var after: String?

    package enum Status: String, Codable, Sendable {
        case ignored, accepted
    }

    package init(ok: Bool? = nil, status: Status? = nil, detail: String, ref: String? = nil, after: String? = nil) {
        self.ok = ok
        self.status = status
        self.detail = detail
        self.ref = ref
        self.after = after
    }
}
