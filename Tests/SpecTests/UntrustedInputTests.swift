import Foundation
import Spec
import Testing

/// Desired state comes from pull requests: alias expansion, size, nesting, URL schemes and
/// symlinks are bounded, each refused at its `file:line:column`.
@Suite struct UntrustedInputTests {
    /// `levels` anchors, each a list of ten aliases of the previous one, under a platform's
    /// `data`: 10^levels leaves once expanded, from about 70 bytes per level.
    static func laughs(levels: Int) -> String {
        var yaml = platformYAML("Laughs") + "data:\n  l0: &l0 \"lol\"\n"
        for level in 1...levels {
            let aliases = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "  l\(level): &l\(level) [\(aliases)]\n"
        }
        return yaml
    }

    /// This process's resident-memory peak (`VmHWM`) in kB, from /proc/self/status.
    static func peakResidentKB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? ""))
    }

    @Test func billionLaughsIsRefusedWithoutGrowingMemory() throws {
        let yaml = Self.laughs(levels: 9)  // 10^9 leaves: ~13 GB as JSON if expanded
        #expect(yaml.utf8.count < 2_000)
        let before = try Self.peakResidentKB()
        let result = load(["platforms/laughs.yml": yaml])
        let after = try Self.peakResidentKB()
        #expect(after - before < 200 * 1024, "peak resident memory grew by \(after - before) kB")
        #expect(result.counts.platforms == 0)
        let problems = lines(result)
        #expect(problems.count == 1)
        // Level 6 holds 4,111,111 bytes per alias: the sum passes 1 MiB at its second alias.
        #expect(
            problems == [
                "platforms/laughs.yml:20:17: platform too large: more than 1048576 bytes with YAML aliases "
                    + "expanded (the limit); refused here"
            ])
    }

    @Test func billionLaughsAsAMappingKeyIsRefusedBeforeComposing() {
        // Yams hashes mapping keys to find duplicates: an alias key of 10^12 nodes would hash for hours.
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...12 {
            yaml +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        yaml += "? *a12\n: 1\n"
        let result = load(["platforms/keys.yml": yaml])
        #expect(lines(result).count == 1)
        #expect(lines(result).first?.contains("too large") == true)
    }

    @Test func aliasesWithinTheLimitStillLoad() throws {
        let result = load(["platforms/small.yml": Self.laughs(levels: 3)])  // 1,000 leaves
        #expect(lines(result) == [])
        let platform = try #require(result.state.platforms.first)
        guard case .array(let level3) = try #require(platform.data["l3"]) else {
            Issue.record("l3 is not a list")
            return
        }
        #expect(level3.count == 10)
    }

    @Test func limitsAreTheRulesGiven() {
        var rules = SpecRules.default
        rules.maxObjectSize = 100
        let result = SpecLoader.load(
            [SpecFile(path: "platforms/small.yml", contents: Array(Self.laughs(levels: 3).utf8))], rules: rules)
        #expect(lines(result).count == 1)
        #expect(lines(result).first?.contains("more than 100 bytes") == true)
    }

    @Test func nestingDeeperThanTheLimitIsRefusedWhereItStarts() {
        // The platform mapping is level 1, `data` level 2: 63 more lists reach 64, one more is refused.
        let ok =
            platformYAML("Deep") + "data:\n  d: " + String(repeating: "[", count: 62)
            + String(repeating: "]", count: 62)
        #expect(lines(load(["platforms/deep.yml": ok + "\n"])) == [])
        let yaml =
            platformYAML("Deep") + "data:\n  d: " + String(repeating: "[", count: 700)
            + String(repeating: "]", count: 700) + "\n"
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        // Level 65 is the 64th `[` (column 5 + 63).
        #expect(
            lines(load(["platforms/deep.yml": yaml])) == [
                "platforms/deep.yml:\(line):68: nested too deeply: more than 64 levels of lists and mappings"
            ])
    }

    @Test func aFileAboveTheSizeLimitIsRefusedUnparsed() {
        let padding = "# " + String(repeating: "x", count: 1 << 20) + "\n"
        let yaml = platformYAML("Big") + padding
        #expect(
            lines(load(["platforms/big.yml": yaml])) == [
                "platforms/big.yml:1:1: file is \(yaml.utf8.count) bytes; the limit is 1048576 bytes"
            ])
        let unread = SpecFile(path: "platforms/huge.yml", contents: [], entry: .tooLarge(bytes: 2_000_000_000))
        #expect(
            SpecLoader.load([unread]).diagnostics.map(\.description) == [
                "platforms/huge.yml:1:1: file is 2000000000 bytes; the limit is 1048576 bytes"
            ])
    }

    @Test func repositoryURLsAreHTTPOrHTTPSUnlessAllowed() {
        let yaml = platformYAML("Files").replacingOccurrences(
            of: "'https://example.org/files/src/'", with: "'file:///etc/passwd'")
        let refused = lines(load(["platforms/files.yml": yaml]))
        #expect(refused.count == 1)
        #expect(
            refused.first?.hasSuffix(
                "'url' must be a URL starting with one of http://, https:// "
                    + "(KILN_REPOSITORY_URL_SCHEMES allows others), found 'file:///etc/passwd'") == true)
        #expect(refused.first?.hasPrefix("platforms/files.yml:") == true)

        var rules = SpecRules.default
        rules.urlSchemes.insert("file")
        let allowed = SpecLoader.load(
            [SpecFile(path: "platforms/files.yml", contents: Array(yaml.utf8))], rules: rules)
        #expect(allowed.diagnostics == [])
    }

    @Test func symlinksAreRefusedWithTheirPath() {
        let files = [
            SpecFile(path: "platforms/a.yml", contents: [], entry: .symlink(target: "/etc/passwd")),
            SpecFile(path: "repositories/notes", contents: [], entry: .symlink(target: "../x")),
            SpecFile(path: "docs/link", contents: [], entry: .symlink(target: "elsewhere"))
        ]
        #expect(
            SpecLoader.load(files).diagnostics.map(\.description) == [
                "platforms/a.yml:1:1: symlinks are not allowed in desired state: platforms/a.yml points to '/etc/passwd'",
                "repositories/notes:1:1: symlinks are not allowed in desired state: repositories/notes points to '../x'"
            ])
    }
}
