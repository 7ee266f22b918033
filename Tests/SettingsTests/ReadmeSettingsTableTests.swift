import Foundation
import Settings
import Testing

/// README.md's settings table ("## Configuration") and `KilnSettings.variables` list the same
/// variables with the same defaults, in the same order, so neither can drift.
@Suite struct ReadmeSettingsTableTests {
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    /// The `(variable, default)` rows of the first table under `## Configuration`.
    static func tableRows() throws -> [(name: String, defaultDescription: String)] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let section = text.range(of: "\n## Configuration\n") else { return [] }
        let after = text[section.upperBound...]
        let sectionText = after.range(of: "\n## ").map { after[..<$0.lowerBound] } ?? after
        var rows: [(String, String)] = []
        var inTable = false
        for line in sectionText.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else {
                if inTable { break }
                continue
            }
            inTable = true
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3, cells[0] != "variable", !cells[0].hasPrefix("---") else { continue }
            rows.append((cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")), cells[2]))
        }
        return rows
    }

    @Test func readmeTableMatchesTheSettings() throws {
        let rows = try Self.tableRows()
        let documented = rows.map { "\($0.name) = \($0.defaultDescription)" }
        let declared = KilnSettings.variables.map { "\($0.name) = \($0.defaultDescription)" }
        #expect(!rows.isEmpty, "no settings table under ## Configuration in \(Self.readme.path)")
        #expect(documented == declared)
        // both ways, named, for a readable failure
        for missing in Set(declared).subtracting(documented) { Issue.record("not in README.md: \(missing)") }
        for extra in Set(documented).subtracting(declared) { Issue.record("README.md only: \(extra)") }
    }
}
