import Spec
import Statuses

extension Plan {
    /// Terraform-style text: one block per changed object (`+ ~ - #`, a rename as `-/+`), nested
    /// attributes at their paths (`~ data.timeout = 43200 -> 50000`), list items as `+`/`-`
    /// lines, unchanged neighbours counted, and a closing `Plan: N to add, N to change, N to
    /// destroy.` line.
    package func renderText() -> String {
        var out = "Commit \(commitSHA)\n\n"
        for block in blocks() {
            for line in block.lines { out += line.terminal + "\n" }
            out += "\n"
        }
        for line in syncDueLines() { out += line.terminal + "\n" }
        if !syncsDue.isEmpty { out += "\n" }
        for line in releaseLines() { out += (line.text.isEmpty ? "" : line.terminal) + "\n" }
        out += summaryLine + "\n"
        return out
    }

    /// `Plan: 1 to add, 2 to change, 0 to destroy.`, or `No changes. ...` when only kept objects;
    /// with releases to commit or revert, ` Releases: 1 to commit, 0 to revert.` after it.
    package var summaryLine: String {
        let commits = releases.count { $0.operation == .commit || $0.operation == .resumeCommit }
        let reverts = releases.count { $0.operation == .revert || $0.operation == .resumeRevert }
        let adds = distributions.count { $0.operation != .remove }
        let removes = distributions.count { $0.operation == .remove }
        let releasePart =
            (commits + reverts == 0 ? "" : " Releases: \(commits) to commit, \(reverts) to revert.")
            + (adds + removes == 0 ? "" : " Distribution builds: \(adds) to add, \(removes) to remove.")
        return hasChanges
            ? "Plan: \(toAdd) to add, \(toChange) to change, \(toDestroy) to destroy." + releasePart
            : "No changes. The actual state matches the desired state."
    }
}

extension Plan {
    /// `  # sync due: almalinux-9-devel-x86_64 (last sync 7h ago, interval 6h)`, one per sync due.
    func syncDueLines() -> [PlanLine] {
        syncsDue.map { PlanLine(.comment, 0, "sync due: \($0.storeRepository) (\($0.reason))") }
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
