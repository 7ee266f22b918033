import Spec

/// One field of an object, before and after (`nil`: absent on that side).
///
///     FieldChange(field: "distr_version", before: .string("9.4"), after: .string("9.5"))
public struct FieldChange: Sendable, Hashable, Codable {
    public var field: String
    public var before: JSONValue?
    public var after: JSONValue?

    public init(field: String, before: JSONValue?, after: JSONValue?) {
        self.field = field; self.before = before; self.after = after
    }
}
