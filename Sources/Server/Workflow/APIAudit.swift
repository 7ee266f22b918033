import Logging
import Store

/// Records a change made through the API in `audit_events` (`Store.AuditStore`), right after the
/// change: the caller's user, the object and the action. A failure to record is logged, not
/// answered (the change itself is done).
struct APIAudit: Sendable {
    let store: AuditStore
    let logger: Logger

    init(_ dependencies: ServerDependencies) {
        store = AuditStore(client: dependencies.database, logger: dependencies.logger)
        logger = dependencies.logger
    }

    /// `kind` `id` had `action` done to it by the request's user.
    func record(_ kind: String, _ id: Int64, _ action: String, by context: KilnRequestContext) async {
        do {
            try await store.record(kind: kind, id: String(id), action: action, userID: context.identity?.userID)
        } catch {
            logger.warning("audit: \(kind) \(id) \(action) was not recorded: \(error)")
        }
    }
}
