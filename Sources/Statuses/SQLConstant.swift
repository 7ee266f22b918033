/// A status whose stored value can be written into SQL text as a constant.
///
/// Kiln's SQL reads and writes statuses through this mapping, never a bare number:
///
///     "WHERE status = \(BuildTaskStatus.idle.sql)"      // WHERE status = 0
///     "WHERE kind IN \(BuildRepositoryKind.sqlList([.rpm, .debug]))"   // ('rpm', 'debug')
///
/// Prefer a bind (`status.rawValue`) for values that vary per call; the constants are for
/// statements that are prepared once (claims, partial-index predicates).
package protocol SQLConstant: RawRepresentable, CaseIterable, Sendable, Hashable {
    /// The value as an SQL literal: `2` for an integer status, `'rpm'` for a text one.
    var sql: String { get }
}

extension SQLConstant where RawValue == Int16 {
    package var sql: String { String(rawValue) }
}

extension SQLConstant where RawValue == String {
    package var sql: String {
        "'" + rawValue.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}

extension SQLConstant {
    /// A parenthesised SQL list of the given values: `(0, 1)`.
    package static func sqlList(_ values: [Self]) -> String {
        "(" + values.map(\.sql).joined(separator: ", ") + ")"
    }
}
