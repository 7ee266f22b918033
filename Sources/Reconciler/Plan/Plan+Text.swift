import Spec
import Statuses

extension Plan {
    /// Terraform-style text: one block per changed object (`+ ~ - #`), field by field
    /// `before -> after`, and a closing `Plan: N to add, N to change, N to destroy.` line.
    package func renderText() -> String {
        var out = "Commit \(commitSHA)\n"
        if !hasChanges && changes.isEmpty {
            out += "\nNo changes. The actual state matches the desired state.\n"
            return out
        }
        out += "\n"
        for change in changes {
            out += Self.render(change)
        }
        if !hasChanges {
            out += "No changes. The actual state matches the desired state.\n"
        } else {
            out += "Plan: \(toAdd) to add, \(toChange) to change, \(toDestroy) to destroy.\n"
        }
        return out
    }

    static func render(_ change: Change) -> String {
        let verb: String
        switch change.action {
        case .create: verb = "will be created"
        case .update: verb = "will be updated in place"
        case .delete: verb = "will be destroyed"
        case .keep: verb = "is kept"
        }
        var out = "  # \(change.kind.rawValue) \"\(change.name)\" \(verb)"
        if let origin = change.origin, origin != .git { out += " (origin \(origin.rawValue))" }
        out += "\n"
        if let reason = change.reason { out += "  #   \(reason)\n" }
        let symbol = change.action.symbol
        out += "  \(symbol) \(change.kind.rawValue) \"\(change.name)\" {\n"
        let fields = change.fields
        let width = fields.map(\.field.count).max() ?? 0
        for field in fields {
            let pad = String(repeating: " ", count: width - field.field.count)
            let line: String
            switch (field.before, field.after) {
            case (nil, let after?): line = "+ \(field.field)\(pad) = \(after.compactText)"
            case (let before?, nil): line = "- \(field.field)\(pad) = \(before.compactText)"
            case (let before?, let after?):
                line = "~ \(field.field)\(pad) = \(before.compactText) -> \(after.compactText)"
            case (nil, nil): line = "  \(field.field)\(pad) = null"
            }
            out += "      \(line)\n"
        }
        out += "    }\n\n"
        return out
    }
}

extension JSONValue {
    /// Compact JSON text with sorted keys (`"x86_64"`, `["a","b"]`, `{"k":1}`).
    package var compactText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): return Self.quote(s)
        case .array(let a): return "[" + a.map(\.compactText).joined(separator: ",") + "]"
        case .object(let o):
            return "{"
                + o.keys.sorted().map { Self.quote($0) + ":" + (o[$0] ?? .null).compactText }
                .joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Integral doubles become ints (JSONB and YAML disagree on `1` vs `1.0`); recursive.
    package var normalized: JSONValue {
        switch self {
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: return .int(Int(d))
        case .array(let a): return .array(a.map(\.normalized))
        case .object(let o): return .object(o.mapValues(\.normalized))
        default: return self
        }
    }
}
