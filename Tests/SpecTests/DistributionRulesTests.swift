import Foundation
import XCTest

@testable import Spec

final class DistributionRulesTests: XCTestCase {
    func testBuildsAreOptionalPositiveAndDistinct() throws {
        let result = load([
            "platforms/p.yml": platformYAML("P1"),
            "distributions/a.yml": "name: a\nplatforms: [P1]\nbuilds: [12, 0, 12, x, 7]\n",
            "distributions/b.yml": "name: b\nplatforms: [P1]\n"
        ])
        XCTAssertEqual(
            lines(result),
            [
                "distributions/a.yml:3:14: build ids are positive integers, found 0",
                "distributions/a.yml:3:17: build 12 is listed twice",
                "distributions/a.yml:3:21: items of 'builds' must be integers, found a string 'x'"
            ])
        let byName = Dictionary(uniqueKeysWithValues: result.state.distributions.map { ($0.name, $0) })
        XCTAssertEqual(byName["a"]?.builds, [12, 7])
        XCTAssertEqual(byName["b"]?.builds, [])
    }

    func testRecordWithoutBuildsDecodesWithNone() throws {
        let old = #"{"name":"a","platforms":["P1"]}"#
        let d = try JSONDecoder().decode(Distribution.self, from: Data(old.utf8))
        XCTAssertEqual(d, Distribution(name: "a", platforms: ["P1"]))
        let round = try JSONDecoder().decode(
            Distribution.self, from: try JSONEncoder().encode(Distribution(name: "a", platforms: [], builds: [3])))
        XCTAssertEqual(round.builds, [3])
    }
}
