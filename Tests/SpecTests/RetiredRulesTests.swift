import Spec
import XCTest

/// `retired/*.yml`: the store repositories a plan may delete with their content (issue 12).
final class RetiredRulesTests: XCTestCase {
    func testAListIsReadWithItsLocations() throws {
        let result = load([
            "platforms/p.yml": platformYAML("P"),
            "retired/old.yml":
                "# renamed in PR 12\nstore_repositories:\n  - old-baseos-x86_64\n  - old-baseos-x86_64-debug\n"
        ])
        XCTAssertEqual(lines(result), [])
        XCTAssertEqual(result.state.retired.map(\.name), ["old-baseos-x86_64", "old-baseos-x86_64-debug"])
        XCTAssertEqual(result.state.retired.first?.location?.description, "retired/old.yml:3:5")
        XCTAssertEqual(result.counts.retired, 2)
    }

    func testARetiredNameStillDeclaredIsAnErrorAtTheListEntry() {
        let result = load([
            "platforms/p.yml": platformYAML("P"),
            "retired/old.yml": "store_repositories:\n  - p-devel-x86_64\n  - p-baseos-x86_64-debug\n  - gone-x86_64\n"
        ])
        XCTAssertEqual(
            lines(result),
            [
                "retired/old.yml:2:5: store repository 'p-devel-x86_64' is listed as retired but the repository at "
                    + "platforms/p.yml:12:5 still declares it: remove one of the two",
                "retired/old.yml:3:5: store repository 'p-baseos-x86_64-debug' is listed as retired but the "
                    + "repository at platforms/p.yml:10:5 still declares it: remove one of the two"
            ].sorted())
    }

    func testDuplicatesBadNamesAndBadShapesAreReported() {
        let result = load([
            "retired/a.yml": "store_repositories:\n  - x-x86_64\n  - x-x86_64\n  - ../etc\n",
            "retired/b.yml": "store_repositories:\n  - x-x86_64\n",
            "retired/c.yml": "store_repositories: x-x86_64\n",
            "retired/d.yml": "store_repository: [x]\n"
        ])
        let found = lines(result)
        XCTAssertTrue(
            found.contains("retired/a.yml:3:5: store repository 'x-x86_64' is already listed at retired/a.yml:2:5"),
            "\(found)")
        XCTAssertTrue(
            found.contains { $0.hasPrefix("retired/a.yml:4:5: '../etc' is not a store repository name") }, "\(found)")
        XCTAssertTrue(
            found.contains("retired/b.yml:2:5: store repository 'x-x86_64' is already listed at retired/a.yml:2:5"),
            "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("retired/c.yml:1:") }, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("retired/d.yml:1:") }, "\(found)")
        XCTAssertEqual(result.state.retired.map(\.name), ["x-x86_64"])
    }
}
