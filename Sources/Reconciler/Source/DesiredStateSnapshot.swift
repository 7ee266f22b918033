import Spec

/// The desired state read at one commit.
package struct DesiredStateSnapshot: Sendable {
    package var commitSHA: String
    package var result: SpecResult
    /// Paths re-read from git for this snapshot (all files on a first read).
    package var readPaths: [String]
    /// The commit's author (`Name <email>`); nil when it could not be read (a plain folder).
    package var author: String?

    package init(commitSHA: String, result: SpecResult, readPaths: [String], author: String? = nil) {
        self.commitSHA = commitSHA
        self.result = result
        self.readPaths = readPaths
        self.author = author
    }
}

/// The desired state is invalid: every problem as `file:line:column: message`.
package struct InvalidDesiredState: Error, Sendable, CustomStringConvertible {
    package var commitSHA: String
    package var diagnostics: [Diagnostic]

    package init(commitSHA: String, diagnostics: [Diagnostic]) {
        self.commitSHA = commitSHA
        self.diagnostics = diagnostics
    }

    package var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
            + "\n\(diagnostics.count) error(s) in the desired state at \(commitSHA)"
    }
}
