import Foundation

extension Plan {
    /// The releases section of the text plan: per release its operation, the packages per target
    /// repository (`+` to add, `=` already there, `-` to remove) and its refusals (`!`).
    ///
    ///     # release "almalinux-9-bash-update" will be committed (releases/bash.yml)
    ///       almalinux-9-baseos-x86_64 (almalinux-9-baseos, x86_64):
    ///         + bash-5.1-1.el9.x86_64  (reference, build 12)
    ///       ! refused: bash-doc-5.1-1.el9.noarch (build 12): unsigned: ...
    func releaseLines() -> [PlanLine] {
        var lines: [PlanLine] = []
        for placement in releases {
            let file = placement.file.map { " (\($0))" } ?? ""
            lines.append(PlanLine(.comment, 0, "release \"\(placement.release)\" \(placement.operation.phrase)\(file)"))
            let removing = placement.operation == .revert || placement.operation == .resumeRevert
            lines += Self.repositoryLines(placement.repositories, removing: removing)
            for s in placement.skipped {
                lines.append(PlanLine(.comment, 1, "skipped: \(s.nevra) (skip: true)"))
            }
            for r in placement.refusals {
                lines.append(PlanLine(.update, 1, "refused: \(r.line)"))
            }
            lines.append(PlanLine(.comment, 1, placement.summary))
            lines.append(PlanLine(.none, 0, ""))
        }
        for change in distributions {
            let file = change.file.map { " (\($0))" } ?? ""
            lines.append(
                PlanLine(
                    .comment, 0,
                    "distribution \"\(change.distribution)\": build \(change.buildID) \(change.operation.phrase)\(file)"
                ))
            lines += Self.repositoryLines(change.repositories, removing: change.operation == .remove)
            for r in change.refusals { lines.append(PlanLine(.update, 1, "refused: \(r.line)")) }
            lines.append(PlanLine(.none, 0, ""))
        }
        return lines
    }

    /// Each repository with its packages: `+` added, `-` removed, `=` already there (kept).
    static func repositoryLines(_ repositories: [PlacedRepository], removing: Bool) -> [PlanLine] {
        var lines: [PlanLine] = []
        for repo in repositories {
            let debug = repo.debug ? ", debug" : ""
            lines.append(PlanLine(.none, 1, "\(repo.storeRepository) (\(repo.repository), \(repo.arch)\(debug)):"))
            for p in repo.packages {
                let why = "(\(p.reason)" + (p.buildID.map { ", build \($0)" } ?? "") + ")"
                if removing {
                    lines.append(
                        p.alreadyPresent
                            ? PlanLine(.none, 2, "= \(p.nevra)  \(why), there before: kept")
                            : PlanLine(.remove, 2, "\(p.nevra)  \(why)"))
                } else {
                    lines.append(
                        p.alreadyPresent
                            ? PlanLine(.none, 2, "= \(p.nevra)  \(why), already there")
                            : PlanLine(.add, 2, "\(p.nevra)  \(why)"))
                }
            }
        }
        return lines
    }
}

extension ReleasePlacement {
    /// `12 package placements into 4 repositories (3 already there), 1 refusal: cannot be committed`.
    package var summary: String {
        var parts = ["\(packageCount) package placement(s) into \(repositories.count) repositories"]
        let present = packageCount - newCount
        if present > 0 { parts[0] += " (\(present) already there)" }
        if !skipped.isEmpty { parts.append("\(skipped.count) skipped") }
        if !refusals.isEmpty {
            parts.append("\(refusals.count) refusal(s): cannot be committed until they are resolved")
        }
        return parts.joined(separator: ", ")
    }
}

extension Plan {
    /// The releases section of the markdown plan: a table per release with its repositories and
    /// counts, the refusals listed (they are the review).
    func releaseMarkdown() -> String {
        guard !releases.isEmpty || !distributions.isEmpty else { return "" }
        var out = "#### Releases\n\n"
        for placement in releases {
            let file = placement.file.map { " (`\(Self.escapeCode($0))`)" } ?? ""
            out += "##### Release `\(Self.escapeCode(placement.release))` \(placement.operation.phrase)\(file)\n\n"
            if !placement.repositories.isEmpty {
                out += "| Repository | Arch | Packages | New |\n|:--|:--|--:|--:|\n"
                for repo in placement.repositories {
                    let name = repo.repository + (repo.debug ? " (debug)" : "")
                    out +=
                        "| `\(Self.escapeCode(name))` | \(Self.escapeCell(repo.arch)) | \(repo.packages.count) | "
                        + "\(repo.packages.count { !$0.alreadyPresent }) |\n"
                }
                out += "\n"
            }
            if !placement.refusals.isEmpty {
                out += "**Refused (\(placement.refusals.count)):**\n\n"
                for r in placement.refusals.prefix(200) { out += "- \(Self.escapeCell(r.line))\n" }
                if placement.refusals.count > 200 { out += "- … \(placement.refusals.count - 200) more\n" }
                out += "\n"
            }
            out += "_\(Self.escapeCell(placement.summary))_\n\n"
        }
        if !distributions.isEmpty {
            out += "##### Distributions\n\n| Distribution | Build | Change | Repositories | Packages | Refusals |\n"
            out += "|:--|--:|:--|--:|--:|--:|\n"
            for change in distributions {
                out +=
                    "| `\(Self.escapeCode(change.distribution))` | \(change.buildID) | \(change.operation.phrase) | "
                    + "\(change.repositories.count) | \(change.repositories.reduce(0) { $0 + $1.packages.count }) | "
                    + "\(change.refusals.count) |\n"
            }
            out += "\n"
            for change in distributions where !change.refusals.isEmpty {
                out += "**Refused for `\(Self.escapeCode(change.distribution))` build \(change.buildID):**\n\n"
                for r in change.refusals.prefix(200) { out += "- \(Self.escapeCell(r.line))\n" }
                out += "\n"
            }
        }
        return out
    }
}
