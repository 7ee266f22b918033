import Spec

/// One planned change to one object.
///
///     Change(action: .create, kind: .platform, name: "AlmaLinux-9",
///            fields: [FieldChange(field: "distr_version", before: nil, after: .string("9"))])
public struct Change: Sendable, Hashable, Codable {
    public var action: ChangeAction
    public var kind: ResourceKind
    /// Display address: the object's name (`AlmaLinux-9`, `almalinux-9-baseos/x86_64/debug`).
    public var name: String
    /// What identifies the object in the database or store (`name`, and `arch`/`debug` for repositories).
    public var identity: [String: JSONValue]
    /// Field-by-field difference, sorted by field name (every field for a create or delete).
    public var fields: [FieldChange]
    /// The complete desired object for create and update (what apply writes).
    public var attributes: [String: JSONValue]?
    /// Why an object is kept (for `keep`), or a note (`origin api: written through the HTTP API`).
    public var reason: String?
    /// Where the current object came from: `git` or `api` (nil when it does not exist yet).
    public var origin: String?

    public init(action: ChangeAction, kind: ResourceKind, name: String,
                identity: [String: JSONValue] = [:], fields: [FieldChange] = [],
                attributes: [String: JSONValue]? = nil, reason: String? = nil, origin: String? = nil) {
        self.action = action; self.kind = kind; self.name = name
        self.identity = identity.isEmpty ? ["name": .string(name)] : identity
        self.fields = fields.sorted { $0.field < $1.field }
        self.attributes = attributes; self.reason = reason; self.origin = origin
    }
}
