import Spec

/// One difference inside an object, at its path: `data.timeout` changed, `data.mock.macros."%foo"`
/// added, `"s390x"` added to the set `arch_list`, the third item of `data.mock.dnf_common_opts`
/// removed. What `kiln plan` shows line by line and `--format json` lists as `diff`.
///
///     AttributeChange(path: ["data", "timeout"], action: .update, before: .int(43200), after: .int(50000))
package struct AttributeChange: Sendable, Hashable, Codable {
    /// What happened at `path`.
    package enum Action: String, Sendable, Hashable, Codable {
        /// An attribute that was absent (`after` only).
        case add
        /// An attribute that goes away (`before` only).
        case remove
        /// An attribute whose value changes (`before` and `after`).
        case update
        /// An item added to the list at `path` (`after`; `index` for ordered lists).
        case addElement = "add_element"
        /// An item removed from the list at `path` (`before`; `index` for ordered lists).
        case removeElement = "remove_element"
    }

    /// Map keys from the object's top-level field down (`["data", "mock", "macros", "%foo"]`).
    package var path: [String]
    package var action: Action
    package var before: JSONValue?
    package var after: JSONValue?
    /// Position of an element of an ordered list: in the old list when removed, in the new one
    /// when added. Nil for attributes and for lists compared as sets.
    package var index: Int?

    package init(
        path: [String], action: Action, before: JSONValue? = nil, after: JSONValue? = nil, index: Int? = nil
    ) {
        self.path = path
        self.action = action
        self.before = before
        self.after = after
        self.index = index
    }

    /// The path as shown: keys joined by `.`, a key that is not a plain identifier quoted
    /// (`data.mock.macros."%foo"`).
    package var pathText: String { Self.pathText(path) }

    /// Whether this is an item of a list rather than an attribute.
    package var isElement: Bool { action == .addElement || action == .removeElement }

    static func pathText(_ path: [String]) -> String {
        path.map { key in
            let plain =
                !key.isEmpty
                && key.unicodeScalars.allSatisfy {
                    ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
                }
                && !("0"..."9").contains(key.unicodeScalars.first ?? "0")
            return plain ? key : JSONValue.quote(key)
        }.joined(separator: ".")
    }

    enum CodingKeys: String, CodingKey {
        case path
        case pathElements = "path_elements"
        case action, before, after, index
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode([String].self, forKey: .pathElements)
        action = try c.decode(Action.self, forKey: .action)
        before = try c.decodeIfPresent(JSONValue.self, forKey: .before)
        after = try c.decodeIfPresent(JSONValue.self, forKey: .after)
        index = try c.decodeIfPresent(Int.self, forKey: .index)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pathText, forKey: .path)
        try c.encode(path, forKey: .pathElements)
        try c.encode(action, forKey: .action)
        try c.encodeIfPresent(before, forKey: .before)
        try c.encodeIfPresent(after, forKey: .after)
        try c.encodeIfPresent(index, forKey: .index)
    }
}
