import Spec
import Statuses

/// One planned change to one object: the typed desired and actual records, from which the
/// field-by-field difference is derived.
///
///     Change(.create, desired: .platform(platform))
///     Change(.delete, actual: .platform(gone), origin: .git)
///
/// JSON (what `kiln plan --out` saves and `kiln apply FILE` reads): `action`, `kind`, `name`,
/// `diff` (the nested changes, each with `path`, `action`, `before`, `after`; recomputed on
/// decode), `unchanged_attributes`, `fields` (top-level fields, whole values; kept for older
/// readers), `desired` and `actual` (the records), `reason`, `origin`, `file`.
package struct Change: Sendable, Hashable {
    package var action: ChangeAction
    package let kind: ResourceKind
    /// Display address: the object's name (`AlmaLinux-9`, `almalinux-9-baseos/x86_64/debug`).
    package let name: String
    /// The object as declared (create, update, and a kept object git declares): what apply writes.
    package let desired: Resource?
    /// The object as it exists (update, delete, keep): what apply deletes.
    package let actual: Resource?
    /// Why an object is kept (for `keep`), or a note (`declared in git now: git takes it over`).
    package var reason: String?
    /// Where the current object came from (nil when it does not exist yet, and for store objects).
    package var origin: Origin?
    /// The desired-state file that caused the change (`platforms/almalinux-9.yml`): the object's
    /// own file, or for a store repository the file declaring its repository, or for an object
    /// removed from a file that still declares its owner that file. Nil when the object's file is
    /// gone. Set by the planner; for review (markdown grouping), not compared by apply.
    package var file: String?

    /// A change to an object git declares (create, update, or keep).
    package init(
        _ action: ChangeAction, desired: Resource, actual: Resource? = nil, reason: String? = nil,
        origin: Origin? = nil
    ) {
        self.action = action
        kind = desired.kind
        name = desired.name
        self.desired = desired
        self.actual = actual
        self.reason = reason
        self.origin = origin
    }

    /// A change to an object git no longer declares (delete or keep).
    package init(_ action: ChangeAction, actual: Resource, reason: String? = nil, origin: Origin? = nil) {
        self.action = action
        kind = actual.kind
        name = actual.name
        desired = nil
        self.actual = actual
        self.reason = reason
        self.origin = origin
    }

    /// The nested difference (paths inside maps, items of lists): every leaf for a create or
    /// delete; for an update (or a kept object git would change) what differs, plus `origin`
    /// when git takes over an API object. What the text, JSON and markdown plans show.
    package var diff: AttributeDiff {
        switch (action, desired?.fields, actual?.fields) {
        case (.create, let after?, _):
            return AttributeDiff(before: nil, after: after)
        case (.delete, _, let before?):
            return AttributeDiff(before: before, after: nil)
        case (.update, let after?, let before?), (.keep, let after?, let before?):
            var out = AttributeDiff(before: before, after: after)
            if origin == .api {
                out.changes.append(
                    AttributeChange(
                        path: ["origin"], action: .update, before: .string(Origin.api.rawValue),
                        after: .string(Origin.git.rawValue)))
            }
            return out
        default:
            return AttributeDiff(before: nil, after: nil)
        }
    }

    /// Field-by-field difference (top-level fields, whole values), sorted by field name: every field for a create or delete;
    /// for an update (or a kept object git would change) the fields that differ, plus
    /// `origin` when git takes over an API object.
    package var fields: [FieldChange] {
        switch (action, desired?.fields, actual?.fields) {
        case (.create, let after?, _):
            return after.keys.sorted().map { FieldChange(field: $0, before: nil, after: after[$0]) }
        case (.delete, _, let before?):
            return before.keys.sorted().map { FieldChange(field: $0, before: before[$0], after: nil) }
        case (.update, let after?, let before?), (.keep, let after?, let before?):
            var out = FieldChange.diff(before, after)
            if origin == .api {
                out.append(
                    FieldChange(
                        field: "origin", before: .string(Origin.api.rawValue),
                        after: .string(Origin.git.rawValue)))
            }
            return out.sorted { $0.field < $1.field }
        default:
            return []
        }
    }
}

extension Change: Codable {
    enum CodingKeys: String, CodingKey {
        case action, kind, name, fields, diff, desired, actual, reason, origin, file
        case unchangedAttributes = "unchanged_attributes"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        action = try c.decode(ChangeAction.self, forKey: .action)
        kind = try c.decode(ResourceKind.self, forKey: .kind)
        desired = try Resource.decode(kind, from: c, forKey: .desired)
        actual = try Resource.decode(kind, from: c, forKey: .actual)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        origin = try c.decodeIfPresent(Origin.self, forKey: .origin)
        file = try c.decodeIfPresent(String.self, forKey: .file)
        let needed: Bool
        switch action {
        case .create, .update: needed = desired != nil
        case .delete: needed = actual != nil
        case .keep: needed = desired != nil || actual != nil
        }
        guard needed, let subject = desired ?? actual else {
            throw DecodingError.dataCorruptedError(
                forKey: action == .delete ? .actual : .desired, in: c,
                debugDescription: "a \(action.rawValue) change needs its record")
        }
        name = subject.name
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(action, forKey: .action)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        try c.encode(fields, forKey: .fields)
        let diff = diff
        try c.encode(diff.changes, forKey: .diff)
        try c.encode(diff.unchangedAttributes, forKey: .unchangedAttributes)
        try desired?.encode(to: &c, forKey: .desired)
        try actual?.encode(to: &c, forKey: .actual)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(origin, forKey: .origin)
        try c.encodeIfPresent(file, forKey: .file)
    }
}
