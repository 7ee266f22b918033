/// A place in a desired-state file: `platforms/almalinux-9.yml:12:5`.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Path relative to the repository root.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
