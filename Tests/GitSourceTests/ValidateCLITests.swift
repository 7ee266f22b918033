import Foundation
import KilnTestSupport
import Processes
import XCTest

/// Runs the built `kiln` binary (`.build/debug/kiln`; `swift test` builds it first) against real
/// git repositories made from `examples/`.
final class ValidateCLITests: XCTestCase {
    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let kiln = packageRoot.appendingPathComponent(".build/debug/kiln").path
    private static let examples = packageRoot.appendingPathComponent("examples").path

    private var repo: TestGitRepository!

    override func setUpWithError() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.kiln), "build kiln first: \(Self.kiln)")
        repo = try TestGitRepository.make()
    }

    override func tearDown() {
        repo?.delete()
    }

    private struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    private func kiln(_ arguments: String...) throws -> Run {
        let result = try ProcessRunner.runSync(Self.kiln, arguments, combineErrors: false)
        return Run(status: result.status, stdout: result.output, stderr: result.errors)
    }

    /// A platform file with problems at known places.
    private let broken = """
        name: broken
        type: rpm
        bogus_key: 1
        arch_list:
          - x86_64
          - sparc64

        """

    func testExamplesAreValidAndABrokenCopyPrintsEveryProblem() throws {
        try repo.copy(contentsOf: Self.examples, to: "state")
        let good = try repo.commit("examples")

        var run = try kiln("validate", "--repo", repo.path, "--path", "state")
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("valid: commit \(good)"), run.stdout)
        XCTAssertTrue(run.lines.contains("  platforms: 2"), run.stdout)

        // Uncommitted breakage in the work tree is not what is validated.
        try repo.write("state/platforms/broken.yml", broken)
        try repo.write("state/platforms/syntax.yml", "name: [unclosed\n")
        run = try kiln("validate", "--repo", repo.path, "--path", "state")
        XCTAssertEqual(run.status, 0, run.stdout)

        let bad = try repo.commit("break it")
        run = try kiln("validate", "--repo", repo.path, "--path", "state")
        XCTAssertEqual(run.status, 1, run.stdout)
        let problems = run.lines.filter { $0.hasPrefix("state/platforms/") }
        XCTAssertTrue(
            problems.contains { $0.hasPrefix("state/platforms/broken.yml:3:1: ") && $0.contains("bogus_key") },
            run.stdout)
        XCTAssertTrue(
            problems.contains { $0.hasPrefix("state/platforms/broken.yml:6:5: ") && $0.contains("sparc64") },
            run.stdout)
        XCTAssertTrue(problems.contains { $0.hasPrefix("state/platforms/syntax.yml:") }, run.stdout)
        for line in problems {
            XCTAssertNotNil(
                line.range(of: #"^state/platforms/[a-z]+\.yml:\d+:\d+: .+"#, options: .regularExpression), line)
        }

        // The older commit, by SHA, is still valid; JSON lists the problems of the newer one.
        XCTAssertEqual(try kiln("validate", "--repo", repo.path, "--path", "state", "--ref", good).status, 0)
        run = try kiln("validate", "--repo", repo.path, "--path", "state", "--ref", bad, "--format", "json")
        XCTAssertEqual(run.status, 1)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["commit"] as? String, bad)
        XCTAssertEqual(json["valid"] as? Bool, false)
        XCTAssertNotNil(json["counts"] as? [String: Any])
        let diagnostics = try XCTUnwrap(json["diagnostics"] as? [[String: Any]])
        XCTAssertTrue(
            diagnostics.contains {
                $0["file"] as? String == "state/platforms/broken.yml" && $0["line"] as? Int == 3
                    && $0["column"] as? Int == 1
            }, run.stdout)
    }

    func testPlainFolder() throws {
        let run = try kiln("validate", "--dir", Self.examples, "--format", "json")
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["valid"] as? Bool, true)
        XCTAssertTrue(json["commit"] is NSNull)
    }

    func testGitErrorsAreClearAndExitOne() throws {
        var run = try kiln("validate", "--repo", repo.path)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("repository has no commits yet"), run.stderr)

        try repo.write("README.md", "x\n")
        try repo.commit()
        run = try kiln("validate", "--repo", repo.path, "--ref", "nope")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("unknown ref 'nope'"), run.stderr)

        run = try kiln("validate", "--repo", repo.path + "/missing")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("is not a git repository"), run.stderr)
    }

    /// A bad `--log-level` is a usage error before anything starts, not silently `info`.
    func testServeRefusesUnknownLogLevel() throws {
        let run = try kiln("serve", "--log-level", "loud")
        XCTAssertEqual(run.status, 64, run.stderr)
        XCTAssertTrue(run.stderr.contains("--log-level 'loud' is not one of: trace, debug, info"), run.stderr)
    }
}
