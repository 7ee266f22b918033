import Spec

/// One field of an object, before and after (`nil`: absent on that side), for display.
///
///     FieldChange(field: "distr_version", before: .string("9.4"), after: .string("9.5"))
package struct FieldChange: Sendable, Hashable, Codable {
    package var field: String
    package var before: JSONValue?
    package var after: JSONValue?

    package init(field: String, before: JSONValue?, after: JSONValue?) {
        self.field = field
        self.before = before
        self.after = after
    }

    /// The fields whose (normalized) values differ, sorted by name.
    static func diff(_ before: [String: JSONValue], _ after: [String: JSONValue]) -> [FieldChange] {
        Set(before.keys).union(after.keys).sorted().compactMap { key in
            let b = before[key]?.normalized
            let a = after[key]?.normalized
            return b == a ? nil : FieldChange(field: key, before: b, after: a)
        }
    }
}
