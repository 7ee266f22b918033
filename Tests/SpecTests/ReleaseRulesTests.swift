import XCTest

@testable import Spec

final class ReleaseRulesTests: XCTestCase {
    func testUnknownPlatformAndReferencePlatform() {
        let result = load([
            "platforms/p.yml": platformYAML("P1"),
            "releases/r.yml": "name: rel\nplatform: Nope\nreference_platform: Gone\nbuilds: [1]\n"
        ])
        XCTAssertEqual(
            lines(result),
            [
                "releases/r.yml:2:11: release 'rel' names unknown platform 'Nope'",
                "releases/r.yml:3:21: release 'rel' names unknown reference platform 'Gone'"
            ])
    }

    func testBuildsPackagesAndProductionRepositories() throws {
        let result = load([
            "platforms/p.yml": platformYAML("P1"),
            "releases/r2.yml": """
            name: rel2
            platform: P1
            builds: [3, x, 3]
            packages:
              - name: bash
                arch: x86_64
                repositories: [p1-baseos, p1-devel, p1-nope]
              - name: bash
                arch: ppc64le
                repositories: [p1-baseos]
              - name: bash
                arch: x86_64
                repositories: [p1-baseos]
              - name: bash-doc
                arch: noarch
                repositories: []
            """
        ])
        XCTAssertEqual(
            lines(result),
            [
                "releases/r2.yml:3:13: items of 'builds' must be integers, found a string 'x'",
                "releases/r2.yml:3:16: build 3 is listed twice",
                "releases/r2.yml:7:31: repository 'p1-devel' is not a production repository of platform 'P1'",
                "releases/r2.yml:7:41: repository 'p1-nope' is not a production repository of platform 'P1'",
                "releases/r2.yml:9:11: package 'bash' has arch 'ppc64le', which platform 'P1' does not build (arch_list: x86_64, aarch64)",
                "releases/r2.yml:11:5: package 'bash' (arch x86_64) is already placed at releases/r2.yml:5:5",
                "releases/r2.yml:16:19: 'repositories' must not be empty"
            ])
        let plan = try XCTUnwrap(result.state.releases.first)
        XCTAssertEqual(plan.builds, [3])
        XCTAssertNil(plan.referencePlatform)
    }
}
