import Hummingbird
import Store

/// `GET /api/v1/audit/?object=<kind>:<id>` (user token): who changed the object and when, newest
/// first: a user for changes made through the API, the commit SHA for what a reconcile applied
/// from git. `<kind>` alone lists every object of the kind; at most `KILN_MAX_LIST_ITEMS` events.
func addAuditRoutes(to audit: RouterGroup<KilnRequestContext>, store: AuditStore, limits: RequestLimits) {
    audit.get("/") { request, _ -> [AuditEventAnswer] in
        guard let object = request.uri.queryParameters.get("object"), !object.isEmpty else {
            throw APIError(.unprocessableContent, "object is required: ?object=<kind>:<id> (build:12, team:core)")
        }
        try InputCheck.text(object, "object", maxLength: InputCheck.nameLength * 2, empty: false)
        let parts = object.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let kind = parts.first ?? ""
        guard !kind.isEmpty, kind.allSatisfy({ $0.isLetter || $0 == "_" }) else {
            throw APIError(.unprocessableContent, "object must read <kind>:<id>, e.g. build:12 or team:core")
        }
        let id = parts.count > 1 ? parts[1] : nil
        return try await store.events(kind: kind, id: id, limit: limits.maxListItems).map {
            AuditEventAnswer(
                id: $0.id, objectKind: $0.objectKind, objectID: $0.objectID, action: $0.action, userID: $0.userID,
                username: $0.username, commitSHA: $0.commitSHA, at: $0.at)
        }
    }
}
