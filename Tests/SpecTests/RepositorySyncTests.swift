import XCTest

@testable import Spec

/// A repository's `sync:` (issue 12): interval, policy, read_only; defaults; errors at their position.
final class RepositorySyncTests: XCTestCase {
    func repository(production: Bool = false, _ sync: String) -> String {
        """
        name: up
        arch: x86_64
        type: rpm
        url: https://mirror.example.org/up/
        production: \(production)
        \(sync)
        """
    }

    func testDefaultsAndDeclaredValues() throws {
        let plain = load(["repositories/up.yml": repository("")])
        XCTAssertEqual(lines(plain), [])
        let r = try XCTUnwrap(plain.state.repositories.first)
        XCTAssertNil(r.sync)
        XCTAssertEqual(r.effectiveSync, RepositorySync(intervalSeconds: 21600, policy: .onDemand, readOnly: false))
        let declared = load(["repositories/up.yml": repository("sync: {interval: 30m, policy: streamed}")])
        XCTAssertEqual(lines(declared), [])
        XCTAssertEqual(
            declared.state.repositories.first?.sync, RepositorySync(intervalSeconds: 1800, policy: .streamed))
        let production = load([
            "repositories/up.yml": repository(production: true, "sync: {interval: 1d, read_only: true}")
        ])
        XCTAssertEqual(lines(production), [])
        XCTAssertEqual(production.state.repositories.first?.sync?.readOnly, true)
        XCTAssertEqual(RepositorySync.formatInterval(86400), "1d")
        XCTAssertEqual(RepositorySync.formatInterval(5400), "90m")
        XCTAssertNil(RepositorySync.parseInterval("6x"))
        XCTAssertNil(RepositorySync.parseInterval("-1h"))
    }

    func testBadValuesAreReportedAtTheirPosition() {
        let interval = load(["repositories/up.yml": repository("sync: {interval: soon}")])
        XCTAssertEqual(
            lines(interval),
            ["repositories/up.yml:6:18: 'interval' must be a duration of at least 1m like 30m, 6h or 1d, found 'soon'"])
        let policy = load(["repositories/up.yml": repository("sync:\n  policy: lazy")])
        XCTAssertEqual(
            lines(policy),
            ["repositories/up.yml:7:11: 'policy' must be one of immediate, on_demand, streamed, found 'lazy'"])
        let unknown = load(["repositories/up.yml": repository("sync: {every: 6h}")])
        XCTAssertEqual(lines(unknown).count, 1, "\(lines(unknown))")
        XCTAssertTrue(lines(unknown).first?.contains("unknown key 'every' in sync") == true, "\(lines(unknown))")
        let production = load(["repositories/up.yml": repository(production: true, "sync: {interval: 6h}")])
        XCTAssertEqual(lines(production).count, 1, "\(lines(production))")
        XCTAssertTrue(lines(production).first?.hasPrefix("repositories/up.yml:6:7: ") == true, "\(lines(production))")
        let notProduction = load(["repositories/up.yml": repository("sync: {read_only: true}")])
        XCTAssertTrue(
            lines(notProduction).first?.contains("'read_only' is for production repositories") == true,
            "\(lines(notProduction))")
    }
}
