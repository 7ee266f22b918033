import Foundation
import KilnTestSupport
import Processes
import Testing

/// `kiln validate` checks what apply would refuse: alias expansion, nesting and URL schemes
/// (`KILN_REPOSITORY_URL_SCHEMES`), each as `file:line:column`.
@Suite struct ValidateLimitsCLITests {
    static let kiln = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/kiln").path

    static let platform = """
        name: P
        type: rpm
        distr_type: rhel
        distr_version: '9'
        test_dist_name: almalinux
        arch_list: [x86_64]
        repos:
          - {name: p-baseos, arch: x86_64, url: 'file:///etc/passwd', type: rpm, production: true}
          - {name: p-baseos, arch: src, url: 'https://example.org/src/', type: rpm, production: true}

        """

    func validate(_ repo: TestGitRepository, environment: [String: String] = [:]) throws -> ProcessResult {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        return try ProcessRunner.runSync(
            Self.kiln, ["validate", "--repo", repo.path, "--path", "state"], environment: env, combineErrors: false)
    }

    @Test func billionLaughsAndFileURLsAreCaughtByValidate() throws {
        let repo = try TestGitRepository.make()
        defer { repo.delete() }
        var laughs =
            Self.platform.replacingOccurrences(of: "name: P\n", with: "name: L\n")
            .replacingOccurrences(of: "'file:///etc/passwd'", with: "'https://example.org/l/'")
            .replacingOccurrences(of: "p-baseos", with: "l-baseos")
            + "data:\n  l0: &l0 lol\n"
        for level in 1...9 {
            laughs +=
                "  l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ",")
                + "]\n"
        }
        try repo.write("state/platforms/laughs.yml", laughs)
        try repo.write("state/platforms/p.yml", Self.platform)
        try repo.commit()

        var run = try validate(repo)
        #expect(run.status == 1)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(
            lines.contains { $0.hasPrefix("state/platforms/laughs.yml:") && $0.contains("platform too large") },
            "\(run.output)")
        #expect(
            lines.contains { $0.hasPrefix("state/platforms/p.yml:8:") && $0.contains("found 'file:///etc/passwd'") },
            "\(run.output)")

        // The allowlist lets file:// through; the expansion stays refused.
        run = try validate(repo, environment: ["KILN_REPOSITORY_URL_SCHEMES": "http,https,file"])
        #expect(run.status == 1)
        #expect(!run.output.contains("file:///etc/passwd"), "\(run.output)")
        #expect(run.output.contains("platform too large"), "\(run.output)")

        // An invalid allowlist stops kiln with the variable named (exit 64).
        run = try validate(repo, environment: ["KILN_REPOSITORY_URL_SCHEMES": "http,1bad"])
        #expect(run.status == 64)
        #expect(run.errors.contains("KILN_REPOSITORY_URL_SCHEMES"), "\(run.errors)")
    }
}
