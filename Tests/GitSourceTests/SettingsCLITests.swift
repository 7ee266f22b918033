import Foundation
import Processes
import Testing

/// `kiln` reads its settings once at startup: an invalid one stops every command at once with
/// one line naming the variable and the value, and exit status 64.
@Suite struct SettingsCLITests {
    static let kiln = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/kiln").path

    /// Runs kiln with `arguments` and `environment` added to this process's; returns status and stderr.
    static func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, stderr: String) {
        let result = try ProcessRunner.runSync(
            kiln, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            combineErrors: false)
        return (result.status, result.errors)
    }

    @Test(arguments: [
        (["serve", "--port", "0"], "KILN_RECONCILE_INTERVAL", "nope"),
        (["serve", "--port", "0"], "KILN_NODE_TIMEOUT", "-3"),
        (["migrate"], "KILN_DATABASE_URL", "mysql://db/kiln"),
        (["plan", "--repo", "."], "KILN_PULP_URL", "pulp:24817")
    ])
    func invalidSettingStopsKiln(_ arguments: [String], _ variable: String, _ value: String) throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.kiln), "build kiln first: \(Self.kiln)")
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try Self.run(arguments, environment: [variable: value, "KILN_HOME": home.path])
        #expect(result.status == 64)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("kiln: \(variable)='\(value)' is invalid: ") == true, "\(result.stderr)")
        // nothing was started: no embedded cluster, no generated secret
        #expect(!FileManager.default.fileExists(atPath: home.path))
    }

    /// `--help` still works with an invalid setting (the command line is parsed first).
    @Test func helpIgnoresSettings() throws {
        let result = try Self.run(["serve", "--help"], environment: ["KILN_RECONCILE_INTERVAL": "nope"])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
