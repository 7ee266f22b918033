/// One problem found while reading or validating desired state.
///
/// ```swift
/// let d = Diagnostic(SourceLocation(file: "platforms/a.yml", line: 3, column: 7), "unknown key 'foo'")
/// print(d)   // platforms/a.yml:3:7: unknown key 'foo'
/// ```
/// Encodes flat for `--format json`: `{"file", "line", "column", "message"}`.
package struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible, Error, Comparable {
    package var location: SourceLocation
    package var message: String

    package init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `path:line:column: message`
    package var description: String { "\(location): \(message)" }

    /// Orders by file, line, column, then message.
    package static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        let l = lhs.location
        let r = rhs.location
        if l.file != r.file { return l.file < r.file }
        if l.line != r.line { return l.line < r.line }
        if l.column != r.column { return l.column < r.column }
        return lhs.message < rhs.message
    }

    private enum CodingKeys: String, CodingKey { case file, line, column, message }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        location = SourceLocation(
            file: try c.decode(String.self, forKey: .file),
            line: try c.decode(Int.self, forKey: .line),
            column: try c.decode(Int.self, forKey: .column))
        message = try c.decode(String.self, forKey: .message)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(location.file, forKey: .file)
        try c.encode(location.line, forKey: .line)
        try c.encode(location.column, forKey: .column)
        try c.encode(message, forKey: .message)
    }
}
