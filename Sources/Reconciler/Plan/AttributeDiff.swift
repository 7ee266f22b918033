import Spec

/// The nested difference of two objects' fields: what changed, at which path, and how much
/// stayed the same (for `# (N unchanged attributes hidden)`). Maps are compared key by key;
/// lists of names (`setFields`) as sets, other lists in order (a longest common subsequence,
/// so one inserted item reads as one `+` line); everything else by value.
///
///     let d = AttributeDiff(before: old.fields, after: new.fields, setFields: ["arch_list"])
///     d.changes.map(\.pathText)   // ["data.timeout"]
package struct AttributeDiff: Sendable, Hashable {
    /// The differences, in path order (map keys sorted).
    package var changes: [AttributeChange] = []
    /// Attributes that are equal on both sides, counted at every map level the diff descended into.
    package var unchangedAttributes = 0
    /// Per list path (`pathText`), the items that are on both sides.
    package var unchangedElements: [String: Int] = [:]

    /// Top-level fields whose values are lists of names: order carries no meaning.
    package static let setFields: Set<String> = ["arch_list", "repositories", "platforms"]

    /// `before` nil: everything is added (a create); `after` nil: everything goes (a delete).
    package init(
        before: [String: JSONValue]?, after: [String: JSONValue]?, setFields: Set<String> = AttributeDiff.setFields
    ) {
        switch (before, after) {
        case (nil, let a?): for key in a.keys.sorted() { leaves(a[key] ?? .null, at: [key], action: .add) }
        case (let b?, nil): for key in b.keys.sorted() { leaves(b[key] ?? .null, at: [key], action: .remove) }
        case (let b?, let a?): compare(.object(b), .object(a), path: [], setFields: setFields)
        case (nil, nil): break
        }
    }

    /// `value` at `path` as leaves: a non-empty map flattened into its keys' paths.
    private mutating func leaves(_ value: JSONValue, at path: [String], action: AttributeChange.Action) {
        let value = value.normalized
        if case .object(let o) = value, !o.isEmpty {
            for key in o.keys.sorted() { leaves(o[key] ?? .null, at: path + [key], action: action) }
        } else {
            changes.append(
                AttributeChange(
                    path: path, action: action, before: action == .remove ? value : nil,
                    after: action == .add ? value : nil))
        }
    }

    private mutating func compare(_ before: JSONValue, _ after: JSONValue, path: [String], setFields: Set<String>) {
        let b = before.normalized
        let a = after.normalized
        switch (b, a) {
        case (.object(let bo), .object(let ao)):
            for key in Set(bo.keys).union(ao.keys).sorted() {
                let sub = path + [key]
                switch (bo[key], ao[key]) {
                case (let x?, let y?):
                    if x.normalized == y.normalized {
                        unchangedAttributes += 1
                    } else {
                        compare(x, y, path: sub, setFields: setFields)
                    }
                case (nil, let y?): leaves(y, at: sub, action: .add)
                case (let x?, nil): leaves(x, at: sub, action: .remove)
                case (nil, nil): break
                }
            }
        case (.array(let bl), .array(let al)) where b != a:
            let before = changes.count
            if path.count == 1, let field = path.first, setFields.contains(field) {
                compareSets(bl, al, path: path)
            } else {
                compareLists(bl, al, path: path)
            }
            if changes.count == before {  // same items, another order
                changes.append(AttributeChange(path: path, action: .update, before: b, after: a))
            }
        default:
            if b != a { changes.append(AttributeChange(path: path, action: .update, before: b, after: a)) }
        }
    }

    private mutating func compareSets(_ before: [JSONValue], _ after: [JSONValue], path: [String]) {
        let b = Set(before)
        let a = Set(after)
        for item in before where !a.contains(item) {
            changes.append(AttributeChange(path: path, action: .removeElement, before: item))
        }
        for item in after where !b.contains(item) {
            changes.append(AttributeChange(path: path, action: .addElement, after: item))
        }
        unchangedElements[AttributeChange.pathText(path)] = b.intersection(a).count
    }

    private mutating func compareLists(_ before: [JSONValue], _ after: [JSONValue], path: [String]) {
        var kept = 0
        for step in ListDiff.steps(before, after) {
            switch step {
            case .same: kept += 1
            case .removed(let i):
                changes.append(AttributeChange(path: path, action: .removeElement, before: before[i], index: i))
            case .added(let j):
                changes.append(AttributeChange(path: path, action: .addElement, after: after[j], index: j))
            }
        }
        unchangedElements[AttributeChange.pathText(path)] = kept
    }
}

/// An edit script between two sequences from their longest common subsequence: removals
/// before additions at each point of difference.
package enum ListDiff {
    /// One step: an item on both sides, one only in the old sequence (its index), one only in the new.
    package enum Step: Hashable, Sendable {
        case same(Int, Int)
        case removed(Int)
        case added(Int)
    }

    /// The steps that turn `before` into `after`. Quadratic in the lengths (plans compare short lists).
    package static func steps<T: Equatable>(_ before: [T], _ after: [T]) -> [Step] {
        let n = before.count
        let m = after.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = before[i] == after[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [Step] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, before[i] == after[j] {
                out.append(.same(i, j))
                i += 1
                j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append(.removed(i))
                i += 1
            } else {
                out.append(.added(j))
                j += 1
            }
        }
        return out
    }
}
