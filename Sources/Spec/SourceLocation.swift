/// A place in a desired-state file: `platforms/almalinux-9.yml:12:5`.
package struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Path relative to the repository root.
    package var file: String
    /// 1-based line.
    package var line: Int
    /// 1-based column.
    package var column: Int

    package init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    package var description: String { "\(file):\(line):\(column)" }
}
