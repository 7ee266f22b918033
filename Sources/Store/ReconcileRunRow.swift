import Foundation

/// A row of `reconcile_runs`: one run of the reconciler.
public struct ReconcileRunRow: Sendable, Hashable, Codable {
    public var id: Int64
    public var startedAt: Date
    public var finishedAt: Date?
    public var commitSHA: String?
    /// `timer`, `webhook`, `api` or `cli`.
    public var trigger: String
    /// The plan as JSON text (nil until planned).
    public var planJSON: String?
    /// `running`, `applied`, `no_changes`, `failed` or `skipped`.
    public var result: String
    /// JSON array text of error messages.
    public var errorsJSON: String
    public var durationMS: Int?
}
