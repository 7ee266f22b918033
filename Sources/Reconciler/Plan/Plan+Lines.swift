import Spec
import Statuses

/// Turns changes into `PlanLine`s, shared by the terminal and markdown plans: one block per
/// object (or per rename), nested attributes at their paths, list items as `+`/`-` lines,
/// long strings wrapped, unchanged neighbours counted.
extension Plan {
    /// Values longer than this (in compact JSON) go on their own lines, wrapped at `wrapWidth`.
    static let inlineLimit = 60
    static let wrapWidth = 80
    /// Paths longer than this are not padded to align their `=`.
    static let alignLimit = 36

    /// One rendered block with its changes (a rename's new and old object, else one change).
    struct Block {
        var changes: [Change]
        var lines: [PlanLine]
    }

    /// The blocks of the plan in order, a rename's two changes as one block where the new
    /// object comes.
    func blocks() -> [Block] {
        let renames = renames
        let oldNames = Set(renames.map(\.oldKey))
        let oldOf = Dictionary(renames.map { ($0.newKey, $0.oldKey) }, uniquingKeysWith: { a, _ in a })
        let byKey = Dictionary(
            changes.map { (RenameKey(kind: $0.kind, name: $0.name), $0) }, uniquingKeysWith: { a, _ in a })
        return changes.compactMap { change in
            let key = RenameKey(kind: change.kind, name: change.name)
            if oldNames.contains(key) { return nil }  // shown with its new name
            if let old = oldOf[key].flatMap({ byKey[$0] }) {
                return Block(changes: [change, old], lines: Self.renameLines(new: change, old: old))
            }
            return Block(changes: [change], lines: Self.lines(change))
        }
    }

    /// Header, reason, the object's block of attributes, closing brace (a kept object that git
    /// would not change: header and reason only).
    static func lines(_ change: Change) -> [PlanLine] {
        let verb: String
        switch change.action {
        case .create: verb = "will be created"
        case .update: verb = "will be updated in place"
        case .delete: verb = "will be destroyed"
        case .keep: verb = "is kept"
        }
        var header = "\(change.kind.rawValue) \"\(change.name)\" \(verb)"
        if let origin = change.origin, origin != .git { header += " (origin \(origin.rawValue))" }
        var out = [PlanLine(.comment, 0, header)]
        if let reason = change.reason { out.append(PlanLine(.comment, 0, "  \(reason)")) }
        let diff = change.diff
        if change.action == .keep && diff.changes.isEmpty { return out }  // left as it is: nothing to show
        out.append(PlanLine(change.action.lineMarker, 0, "\(change.kind.rawValue) \"\(change.name)\" {"))
        out += attributeLines(diff)
        out.append(PlanLine(.none, 0, "}"))
        return out
    }

    /// A rename: the old object's fields beside the new one's, so only the name (and whatever
    /// else changed) shows; apply still destroys the old object and creates the new one, unless
    /// the old one is kept (its reason is shown).
    static func renameLines(new: Change, old: Change) -> [PlanLine] {
        let kind = new.kind.rawValue
        var out: [PlanLine] = []
        var diff = AttributeDiff(before: old.actual?.fields, after: new.desired?.fields)
        if !diff.changes.contains(where: { $0.path == ["name"] }) {
            diff.changes.insert(
                AttributeChange(path: ["name"], action: .update, before: .string(old.name), after: .string(new.name)),
                at: 0)
        }
        if old.action == .keep {
            out.append(PlanLine(.comment, 0, "\(kind) \"\(old.name)\" is renamed to \"\(new.name)\""))
            out.append(PlanLine(.comment, 0, "  the new one will be created; the old one is kept:"))
            if let reason = old.reason { out.append(PlanLine(.comment, 0, "  \(reason)")) }
            out.append(PlanLine(.add, 0, "\(kind) \"\(new.name)\" (renamed from \"\(old.name)\") {"))
        } else {
            out.append(PlanLine(.comment, 0, "\(kind) \"\(old.name)\" will be renamed to \"\(new.name)\""))
            out.append(
                PlanLine(.comment, 0, "  the name is its identity: destroyed and created again under the new name"))
            out.append(PlanLine(.replace, 0, "\(kind) \"\(new.name)\" (renamed from \"\(old.name)\") {"))
        }
        out += attributeLines(diff)
        out.append(PlanLine(.none, 0, "}"))
        return out
    }

    /// The attribute lines of one object (depth 1) and its `# (N unchanged attributes hidden)`.
    static func attributeLines(_ diff: AttributeDiff) -> [PlanLine] {
        let entries = diff.changes
        let width = min(
            alignLimit,
            entries.filter { !$0.isElement && isInline($0) }.map { $0.pathText.count }.max() ?? 0)
        var out: [PlanLine] = []
        var i = 0
        while i < entries.count {
            let entry = entries[i]
            guard entry.isElement else {
                out += attributeLines(entry, width: width)
                i += 1
                continue
            }
            var j = i
            while j < entries.count, entries[j].isElement, entries[j].path == entry.path { j += 1 }
            out.append(PlanLine(.update, 1, "\(entry.pathText) = ["))
            for element in entries[i..<j] {
                let marker: PlanLine.Marker = element.action == .addElement ? .add : .remove
                let value = element.after ?? element.before ?? .null
                out += valueLines(value, marker: marker, depth: 2, suffix: ",")
            }
            let hidden = diff.unchangedElements[entry.pathText] ?? 0
            if hidden > 0 {
                out.append(PlanLine(.none, 2, "# (\(hidden) unchanged \(hidden == 1 ? "element" : "elements") hidden)"))
            }
            out.append(PlanLine(.none, 1, "]"))
            i = j
        }
        if diff.unchangedAttributes > 0 {
            let n = diff.unchangedAttributes
            out.append(PlanLine(.none, 1, "# (\(n) unchanged \(n == 1 ? "attribute" : "attributes") hidden)"))
        }
        return out
    }

    static func isInline(_ entry: AttributeChange) -> Bool {
        [entry.before, entry.after].allSatisfy { $0.map(isInline) ?? true }
    }

    static func isInline(_ value: JSONValue) -> Bool {
        if case .string(let s) = value, s.contains("\n") { return false }
        return value.compactText.count <= inlineLimit
    }

    private static func attributeLines(_ entry: AttributeChange, width: Int) -> [PlanLine] {
        let path = entry.pathText
        let padded = path + String(repeating: " ", count: max(0, width - path.count))
        switch (entry.before, entry.after) {
        case (let b?, let a?):
            if isInline(b) && isInline(a) {
                return [PlanLine(.update, 1, "\(padded) = \(b.compactText) -> \(a.compactText)")]
            }
            if case .string(let bs) = b, case .string(let `as`) = a, bs.contains("\n") || `as`.contains("\n") {
                return [PlanLine(.update, 1, "\(path) = <<-EOT")] + textLines(bs, `as`) + [PlanLine(.none, 1, "EOT")]
            }
            var out = [PlanLine(.update, 1, "\(path) =")]
            out += valueLines(b, marker: .remove, depth: 2)
            out += valueLines(a, marker: .add, depth: 2)
            if case .string(let bs) = b, case .string(let `as`) = a, let note = wordNote(bs, `as`) {
                out.append(PlanLine(.none, 2, note))
            }
            return out
        case (let b?, nil):
            return singleValue(b, marker: .remove, path: path, padded: padded)
        case (nil, let a?):
            return singleValue(a, marker: .add, path: path, padded: padded)
        case (nil, nil):
            return [PlanLine(.none, 1, "\(padded) = null")]
        }
    }

    private static func singleValue(
        _ value: JSONValue, marker: PlanLine.Marker, path: String, padded: String
    ) -> [PlanLine] {
        if isInline(value) { return [PlanLine(marker, 1, "\(padded) = \(value.compactText)")] }
        switch value {
        case .array(let items):
            return [PlanLine(marker, 1, "\(path) = [")]
                + items.flatMap { valueLines($0, marker: marker, depth: 2, suffix: ",") }
                + [PlanLine(.none, 1, "]")]
        case .string(let s) where s.contains("\n"):
            let lines = s.split(separator: "\n", omittingEmptySubsequences: false).map {
                PlanLine(marker, 2, String($0))
            }
            return [PlanLine(marker, 1, "\(path) = <<-EOT")] + lines + [PlanLine(.none, 1, "EOT")]
        default:
            return [PlanLine(marker, 1, "\(path) =")] + valueLines(value, marker: marker, depth: 2)
        }
    }

    /// A value on lines of its own at `depth`, wrapped at spaces (continuations one column in).
    static func valueLines(_ value: JSONValue, marker: PlanLine.Marker, depth: Int, suffix: String = "") -> [PlanLine] {
        let wrapped = wrap(value.compactText + suffix, width: wrapWidth)
        return wrapped.enumerated().map { i, text in PlanLine(marker, depth, i == 0 ? text : " " + text) }
    }

    /// Line-by-line difference of two multi-line strings; unchanged lines counted, not shown.
    private static func textLines(_ before: String, _ after: String) -> [PlanLine] {
        let b = before.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let a = after.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [PlanLine] = []
        var same = 0
        for step in ListDiff.steps(b, a) {
            switch step {
            case .same: same += 1
            case .removed(let i): out.append(PlanLine(.remove, 2, b[i]))
            case .added(let j): out.append(PlanLine(.add, 2, a[j]))
            }
        }
        if same > 0 { out.append(PlanLine(.none, 2, "# (\(same) unchanged \(same == 1 ? "line" : "lines") hidden)")) }
        return out
    }

    /// For two long strings of words (`chroot_setup_cmd`): which words came and went.
    private static func wordNote(_ before: String, _ after: String) -> String? {
        let b = before.split(separator: " ").map(String.init)
        let a = after.split(separator: " ").map(String.init)
        guard b.count > 3 || a.count > 3 else { return nil }
        var added: [String] = []
        var removed: [String] = []
        for step in ListDiff.steps(b, a) {
            switch step {
            case .same: break
            case .removed(let i): removed.append(b[i])
            case .added(let j): added.append(a[j])
            }
        }
        guard added.count + removed.count < max(a.count, b.count) else { return nil }
        var parts: [String] = []
        if !added.isEmpty { parts.append("words added: " + added.joined(separator: " ")) }
        if !removed.isEmpty { parts.append("words removed: " + removed.joined(separator: " ")) }
        return parts.isEmpty ? nil : "# (" + parts.joined(separator: "; ") + ")"
    }

    /// Splits `text` at spaces into lines of at most `width` characters (a longer word stays whole);
    /// the space at each break is implied by the continuation's indent.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        lines.append(current)
        return lines
    }
}
