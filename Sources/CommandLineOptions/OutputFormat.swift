import ArgumentParser
import Foundation

/// `--format text|json`, shared by commands that print for people or for machines.
package enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text
    case json
}

/// Helpers for command output: stable JSON, and messages on standard error.
package enum CommandOutput {
    /// Pretty JSON with sorted keys (stable across runs), as a string.
    package static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Writes one line to standard error.
    package static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
