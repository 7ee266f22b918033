import Foundation
import Spec

extension Plan {
    /// A group of diff lines this long or longer is collapsed (`<details>` closed).
    static let collapseAfterLines = 40
    /// GitHub refuses comments over 65,536 characters; diffs beyond this budget are left out.
    static let markdownBudget = 60_000
    /// Heading of the changes whose file is gone from the desired state.
    static let removedGroup = "Removed from the desired state"

    /// The plan as a pull-request comment (Atlantis-style): the summary, a table of adds,
    /// changes, destroys and kept objects per kind, the changes grouped by the desired-state file
    /// that caused them (`diff` blocks, long ones collapsed), then the kept objects with their
    /// reasons.
    ///
    /// `filePrefix` is put before each file (the `--path` of the desired state in its repository,
    /// `examples/`), so the headings match the pull request's file list.
    ///
    ///     kiln plan --repo . --ref "$PR_HEAD" --path examples --format markdown > plan.md
    package func renderMarkdown(filePrefix: String = "") -> String {
        var out = "### Kiln plan for `\(commitSHA.prefix(12))`\n\n"
        let kept = changes.filter { $0.action == .keep }
        out += "**\(summaryLine)**"
        if !kept.isEmpty { out += " \(kept.count) kept (see below)." }
        out += "\n\n"
        if !changes.isEmpty { out += summaryTable() + "\n" }
        var budget = Self.markdownBudget
        for (file, blocks) in groupedBlocks() {
            out += "#### " + (file == Self.removedGroup ? file : "`\(Self.escapeCode(filePrefix + file))`") + "\n\n"
            let lines = blocks.flatMap { $0.lines.map(\.markdownDiff) + [""] }.dropLast()
            let body = lines.joined(separator: "\n")
            let counts = Self.counts(blocks.flatMap(\.changes))
            let open = lines.count < Self.collapseAfterLines ? " open" : ""
            out += "<details\(open)><summary>\(counts) (\(lines.count) lines)</summary>\n\n"
            if body.count <= budget {
                let fence = Self.fence(for: body)
                out += "\(fence)diff\n\(body)\n\(fence)\n"
                budget -= body.count
            } else {
                out += "_Too long for one comment: run `kiln plan` to see these \(lines.count) lines._\n"
            }
            out += "\n</details>\n\n"
        }
        if !syncsDue.isEmpty {
            out += "#### Syncs from upstream due\n\n| Store repository | Upstream | Why |\n|:--|:--|:--|\n"
            for s in syncsDue {
                out +=
                    "| `\(Self.escapeCode(s.storeRepository))` | \(Self.escapeCell(s.remoteURL)) | "
                    + Self.escapeCell(s.reason) + " |\n"
            }
            out += "\n"
        }
        out += releaseMarkdown()
        if !kept.isEmpty {
            out += "#### Kept, not changed\n\n| Kind | Name | Reason |\n|:--|:--|:--|\n"
            for change in kept {
                out +=
                    "| \(change.kind.rawValue) | `\(Self.escapeCode(change.name))` | "
                    + Self.escapeCell(change.reason ?? "kept") + " |\n"
            }
            out += "\n"
        }
        return out
    }

    /// Adds, changes, destroys and kept objects per kind, and the totals.
    private func summaryTable() -> String {
        var out = "| Kind | Add | Change | Destroy | Kept |\n|:--|--:|--:|--:|--:|\n"
        for kind in ResourceKind.allCases.sorted(by: { $0.order < $1.order }) {
            let of = changes(of: kind)
            guard !of.isEmpty else { continue }
            out += "| \(kind.rawValue) | \(Self.row(of)) |\n"
        }
        out += "| **total** | \(Self.row(changes)) |\n"
        return out
    }

    private static func row(_ changes: [Change]) -> String {
        [ChangeAction.create, .update, .delete, .keep].map { action in
            String(changes.count { $0.action == action })
        }.joined(separator: " | ")
    }

    private static func counts(_ changes: [Change]) -> String {
        let parts: [(ChangeAction, String)] = [
            (.create, "to add"), (.update, "to change"), (.delete, "to destroy"), (.keep, "kept")
        ]
        return parts.compactMap { action, label in
            let n = changes.count { $0.action == action }
            return n == 0 ? nil : "\(n) \(label)"
        }.joined(separator: ", ")
    }

    /// The blocks by file (a block goes under its first change's file), files in name order,
    /// then the removed objects; kept objects appear here only when git would change them.
    func groupedBlocks() -> [(String, [Block])] {
        var groups: [String: [Block]] = [:]
        for block in blocks() {
            guard let change = block.changes.first else { continue }
            if block.changes.count == 1 && change.action == .keep && change.diff.changes.isEmpty { continue }
            groups[change.file ?? Self.removedGroup, default: []].append(block)
        }
        return groups.keys.sorted { a, b in
            (a == Self.removedGroup ? 1 : 0, a) < (b == Self.removedGroup ? 1 : 0, b)
        }.map { ($0, groups[$0] ?? []) }
    }

    /// A code fence longer than any run of backticks in `body` (file contents cannot close it).
    static func fence(for body: String) -> String {
        var longest = 0
        var run = 0
        for ch in body {
            run = ch == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// Text for a table cell: no pipes, no line breaks, no HTML.
    static func escapeCell(_ text: String) -> String {
        escapeCode(text).replacingOccurrences(of: "<", with: "&lt;")
    }

    /// Text for an inline code span inside a table or heading.
    static func escapeCode(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "`", with: "'")
    }
}
