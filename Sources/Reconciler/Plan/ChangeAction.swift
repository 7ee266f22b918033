/// What a plan does to one object.
package enum ChangeAction: String, Sendable, Hashable, Codable {
    /// The object is new.
    case create
    /// The object exists and some fields differ.
    case update
    /// The object is no longer declared and Kiln manages it.
    case delete
    /// The object would be deleted or changed but is left alone; `Change.reason` says why.
    case keep

    /// The terraform-style marker: `+`, `~`, `-`, or `#` for a kept object.
    package var symbol: String {
        switch self {
        case .create: "+"
        case .update: "~"
        case .delete: "-"
        case .keep: "#"
        }
    }
}
