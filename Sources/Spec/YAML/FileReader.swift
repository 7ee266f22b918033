import Yams

/// Reads typed fields out of one file's YAML nodes, collecting every problem with its
/// exact position. Never stops at the first problem.
struct FileReader {
    let path: String
    let rules: SpecRules
    var diagnostics: [Diagnostic] = []

    init(path: String, rules: SpecRules = .default) {
        self.path = path
        self.rules = rules
    }

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func report(_ node: Node, _ message: String) {
        diagnostics.append(Diagnostic(location(node), message))
    }

    mutating func report(at location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(location, message))
    }

    /// The keys of a mapping. Reports a non-mapping and every unknown key (with the allowed
    /// ones); `nil` when `node` is not a mapping.
    mutating func fields(_ node: Node, of what: String, allowed: [String]) -> Fields? {
        guard case .mapping(let mapping) = node else {
            report(node, "expected a \(what) mapping, found \(node.kindDescription)")
            return nil
        }
        var values: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar(let k) = key else {
                report(key, "keys must be strings, found \(key.kindDescription)")
                continue
            }
            guard allowed.contains(k.string) else {
                report(
                    key,
                    "unknown key '\(k.string)' in \(what); allowed keys: "
                        + allowed.sorted().joined(separator: ", "))
                continue
            }
            values[k.string] = (key, value)
        }
        return Fields(node: node, what: what, values: values)
    }

    // MARK: Typed fields

    /// A text field. Any non-null scalar is taken as written (`9` reads as "9").
    /// Missing or null: reported when required, else `nil`.
    mutating func string(_ f: Fields, _ key: String, required: Bool = true) -> String? {
        guard let node = value(f, key, required: required) else { return nil }
        guard case .scalar(let s) = node else {
            report(node, "'\(key)' must be a string, found \(node.kindDescription)")
            return nil
        }
        return s.string
    }

    /// `true` or `false`; missing or null gives `defaultValue`.
    mutating func bool(_ f: Fields, _ key: String, default defaultValue: Bool) -> Bool {
        guard let node = value(f, key, required: false) else { return defaultValue }
        guard case .scalar(let s) = node, case .bool(let b) = ScalarValue(s) else {
            report(node, "'\(key)' must be true or false, found \(node.kindDescription)")
            return defaultValue
        }
        return b
    }

    /// A list node (items unchecked). Missing or null: reported when required, else `nil`.
    mutating func list(_ f: Fields, _ key: String, required: Bool = true) -> [Node]? {
        guard let node = value(f, key, required: required) else { return nil }
        guard case .sequence(let seq) = node else {
            report(node, "'\(key)' must be a list, found \(node.kindDescription)")
            return nil
        }
        return Array(seq)
    }

    /// A list of text items with their nodes. Non-scalar items are reported and skipped.
    mutating func stringList(_ f: Fields, _ key: String, required: Bool = true) -> [(String, Node)]? {
        guard let items = list(f, key, required: required) else { return nil }
        var out: [(String, Node)] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard case .scalar(let s) = item, !ScalarValue.isNull(s) else {
                report(item, "items of '\(key)' must be strings, found \(item.kindDescription)")
                continue
            }
            out.append((s.string, item))
        }
        return out
    }

    /// A list of integers with their nodes. Other items are reported and skipped.
    mutating func intList(_ f: Fields, _ key: String, required: Bool = true) -> [(Int, Node)]? {
        guard let items = list(f, key, required: required) else { return nil }
        var out: [(Int, Node)] = []
        for item in items {
            guard case .scalar(let s) = item, case .int(let i) = ScalarValue(s) else {
                report(item, "items of '\(key)' must be integers, found \(item.kindDescription)")
                continue
            }
            out.append((i, item))
        }
        return out
    }

    /// A free mapping (string keys, any values). Missing or null: `[:]`.
    mutating func object(_ f: Fields, _ key: String) -> [String: JSONValue] {
        guard let node = value(f, key, required: false) else { return [:] }
        guard case .mapping = node, case .object(let object) = node.jsonValue else {
            report(node, "'\(key)' must be a mapping, found \(node.kindDescription)")
            return [:]
        }
        return object
    }

    /// The value node of `key`; `nil` (reported when required) if missing or null.
    mutating func value(_ f: Fields, _ key: String, required: Bool) -> Node? {
        guard let entry = f.values[key] else {
            if required { report(f.node, "missing required key '\(key)' in \(f.what)") }
            return nil
        }
        if case .scalar(let s) = entry.value, ScalarValue.isNull(s) {
            if required { report(entry.value, "'\(key)' must not be empty") }
            return nil
        }
        return entry.value
    }
}

/// The known keys of one mapping.
struct Fields {
    let node: Node
    let what: String
    let values: [String: (key: Node, value: Node)]

    /// The node a key's value sits at (for cross-reference messages).
    func node(_ key: String) -> Node? { values[key]?.value }
}
