import XCTest

@testable import Spec

/// A platform's test policy (issue 11): `skip_tests` and `release_requires_tests`, default false,
/// booleans, and not both true.
final class PlatformTestPolicyTests: XCTestCase {
    func platform(_ extra: String) -> String {
        """
        name: P
        type: rpm
        distr_type: rhel
        distr_version: '9'
        test_dist_name: almalinux
        arch_list: [x86_64]
        \(extra)
        """
    }

    func testDefaultsAndValues() throws {
        let plain = load(["platforms/p.yml": platform("")])
        XCTAssertEqual(lines(plain), [])
        let p = try XCTUnwrap(plain.state.platforms.first)
        XCTAssertFalse(p.skipTests)
        XCTAssertFalse(p.releaseRequiresTests)
        let strict = load(["platforms/p.yml": platform("release_requires_tests: true")])
        XCTAssertEqual(lines(strict), [])
        XCTAssertEqual(strict.state.platforms.first?.releaseRequiresTests, true)
        XCTAssertEqual(strict.state.platforms.first?.skipTests, false)
        let skipped = load(["platforms/p.yml": platform("skip_tests: true")])
        XCTAssertEqual(skipped.state.platforms.first?.skipTests, true)
    }

    func testWrongTypesAndContradictionsAreReportedAtTheirPosition() {
        let wrong = load(["platforms/p.yml": platform("skip_tests: sometimes")])
        XCTAssertEqual(lines(wrong).count, 1, "\(lines(wrong))")
        XCTAssertTrue(lines(wrong).first?.hasPrefix("platforms/p.yml:7:13: ") == true, "\(lines(wrong))")
        let both = load(["platforms/p.yml": platform("skip_tests: true\nrelease_requires_tests: true")])
        XCTAssertEqual(
            lines(both),
            [
                "platforms/p.yml:8:25: 'release_requires_tests: true' cannot hold with 'skip_tests: true': "
                    + "no build of this platform would ever be tested"
            ])
    }

    func testOldPlanJSONWithoutTheFieldsStillDecodes() throws {
        let json = """
            {"name":"P","type":"rpm","distr_type":"rhel","distr_version":"9","test_dist_name":"almalinux",
             "arch_list":["x86_64"],"data":{},"repos":[]}
            """
        let p = try JSONDecoder().decode(Platform.self, from: Data(json.utf8))
        XCTAssertFalse(p.skipTests)
        XCTAssertFalse(p.releaseRequiresTests)
        let back = try JSONDecoder().decode(Platform.self, from: JSONEncoder().encode(p))
        XCTAssertEqual(back, p)
    }
}
