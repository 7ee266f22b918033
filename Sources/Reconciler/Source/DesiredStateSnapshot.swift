import Spec

/// The desired state read at one commit.
public struct DesiredStateSnapshot: Sendable {
    public var commitSHA: String
    public var result: SpecResult
    /// Paths re-read from git for this snapshot (all files on a first read).
    public var readPaths: [String]

    public init(commitSHA: String, result: SpecResult, readPaths: [String]) {
        self.commitSHA = commitSHA; self.result = result; self.readPaths = readPaths
    }
}

/// The desired state is invalid: every problem as `file:line:column: message`.
public struct InvalidDesiredState: Error, Sendable, CustomStringConvertible {
    public var commitSHA: String
    public var diagnostics: [Diagnostic]

    public init(commitSHA: String, diagnostics: [Diagnostic]) {
        self.commitSHA = commitSHA; self.diagnostics = diagnostics
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
            + "\n\(diagnostics.count) error(s) in the desired state at \(commitSHA)"
    }
}
