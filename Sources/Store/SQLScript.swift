import Foundation

/// Splits a multi-statement SQL file into single statements.
///
/// PostgresNIO 1.33 sends every query with the extended protocol, which accepts one statement at
/// a time, so a migration file is cut at top-level semicolons. Quotes ('..', E'..', "..",
/// $tag$..$tag$) and comments (-- and nested /* */) are respected; empty statements are dropped.
///
///     SQLScript.statements("CREATE TABLE a (x int); -- done\nCREATE INDEX i ON a (x);")
///     // ["CREATE TABLE a (x int)", "-- done\nCREATE INDEX i ON a (x)"]
package enum SQLScript {
    package static func statements(_ sql: String) -> [String] {
        let chars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var hasCode = false
        var i = 0

        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if hasCode, !text.isEmpty { statements.append(text) }
            current = String.UnicodeScalarView()
            hasCode = false
        }
        func take(_ count: Int) {
            let end = min(i + count, chars.count)
            current.append(contentsOf: chars[i..<end])
            i = end
        }
        func at(_ offset: Int, _ scalar: Unicode.Scalar) -> Bool {
            i + offset < chars.count && chars[i + offset] == scalar
        }

        while i < chars.count {
            let c = chars[i]
            if c == "-" && at(1, "-") {
                while i < chars.count && chars[i] != "\n" { take(1) }
            } else if c == "/" && at(1, "*") {
                var depth = 0
                repeat {
                    if at(0, "/") && at(1, "*") {
                        depth += 1
                        take(2)
                    } else if at(0, "*") && at(1, "/") {
                        depth -= 1
                        take(2)
                    } else {
                        take(1)
                    }
                } while depth > 0 && i < chars.count
            } else if c == "'" {
                let backslashEscapes = i > 0 && (chars[i - 1] == "E" || chars[i - 1] == "e")
                hasCode = true
                take(1)
                while i < chars.count {
                    if backslashEscapes && at(0, "\\") {
                        take(2)
                        continue
                    }
                    if at(0, "'") {
                        if at(1, "'") {
                            take(2)
                            continue
                        }
                        take(1)
                        break
                    }
                    take(1)
                }
            } else if c == "\"" {
                hasCode = true
                take(1)
                while i < chars.count {
                    if at(0, "\"") {
                        if at(1, "\"") {
                            take(2)
                            continue
                        }
                        take(1)
                        break
                    }
                    take(1)
                }
            } else if c == "$", let tag = dollarTag(chars, at: i) {
                hasCode = true
                take(tag.count)
                while i < chars.count && !matches(chars, at: i, tag) { take(1) }
                take(tag.count)
            } else if c == ";" {
                i += 1
                flush()
            } else {
                if !c.properties.isWhitespace { hasCode = true }
                take(1)
            }
        }
        flush()
        return statements
    }

    /// `$tag$` starting at `start` (a positional parameter like `$1` is not a tag).
    private static func dollarTag(_ chars: [Unicode.Scalar], at start: Int) -> [Unicode.Scalar]? {
        if start > 0 {
            let before = chars[start - 1]
            if before.properties.isAlphabetic || ("0"..."9").contains(before) || before == "_" { return nil }
        }
        var j = start + 1
        while j < chars.count {
            let c = chars[j]
            if c == "$" { return Array(chars[start...j]) }
            let isIdentifier = c.properties.isAlphabetic || c == "_" || (j > start + 1 && ("0"..."9").contains(c))
            guard isIdentifier else { return nil }
            j += 1
        }
        return nil
    }

    private static func matches(_ chars: [Unicode.Scalar], at index: Int, _ tag: [Unicode.Scalar]) -> Bool {
        guard index + tag.count <= chars.count else { return false }
        return Array(chars[index..<index + tag.count]) == tag
    }
}
