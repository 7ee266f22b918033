import Foundation
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

    func testStateDefaultsToPlannedAndReadsCommittedAndReverted() throws {
        for (line, expected) in [
            ("", ReleaseState.planned), ("state: committed\n", .committed), ("state: reverted\n", .reverted)
        ] {
            let result = load([
                "platforms/p.yml": platformYAML("P1"),
                "releases/r.yml": "name: rel\nplatform: P1\n" + line + "builds: [1]\n"
            ])
            XCTAssertEqual(lines(result), [])
            XCTAssertEqual(try XCTUnwrap(result.state.releases.first).state, expected)
        }
    }

    func testUnknownStateIsReportedWithTheAllowedValues() {
        let result = load([
            "platforms/p.yml": platformYAML("P1"),
            "releases/r.yml": "name: rel\nplatform: P1\nstate: shipped\nbuilds: [1]\n"
        ])
        XCTAssertEqual(
            lines(result),
            ["releases/r.yml:3:8: 'state' must be one of planned, committed, reverted, found 'shipped'"])
    }

    func testSkippedPackageAndPackagesWithBothOrNeither() throws {
        let result = load([
            "platforms/p.yml": platformYAML("P1"),
            "releases/r.yml": """
            name: rel
            platform: P1
            builds: [1]
            packages:
              - name: bash-debugsource
                arch: x86_64
                skip: true
              - name: bash
                arch: x86_64
                skip: true
                repositories: [p1-baseos]
              - name: bash-doc
                arch: noarch
              - name: bash-extra
                arch: noarch
                skip: false
            """
        ])
        XCTAssertEqual(
            lines(result),
            [
                "releases/r.yml:11:19: a package with 'skip: true' is not released: remove 'repositories' or the skip",
                "releases/r.yml:12:5: package needs 'repositories' (where it ships) or 'skip: true' (not released)",
                "releases/r.yml:14:5: package needs 'repositories' (where it ships) or 'skip: true' (not released)"
            ])
        let skipped = try XCTUnwrap(result.state.releases.first?.packages.first)
        XCTAssertEqual(skipped.name, "bash-debugsource")
        XCTAssertTrue(skipped.skip)
        XCTAssertEqual(skipped.repositories, [])
    }

    func testPlacementIntoARepositoryWithoutThePackagesArch() {
        let platform = """
            name: P1
            type: rpm
            distr_type: rhel
            distr_version: '9'
            test_dist_name: almalinux
            arch_list: [x86_64, aarch64, i686]
            repos:
              - {name: p1-baseos, arch: x86_64, url: 'https://example.org/b/x86_64/', type: rpm, production: true}
              - {name: p1-baseos, arch: aarch64, url: 'https://example.org/b/aarch64/', type: rpm, production: true}
              - {name: p1-baseos, arch: src, url: 'https://example.org/b/src/', type: rpm, production: true}
              - {name: p1-extras, arch: x86_64, url: 'https://example.org/e/x86_64/', type: rpm, production: true}

            """
        let result = load([
            "platforms/p.yml": platform,
            "releases/r.yml": """
            name: rel
            platform: P1
            builds: [1]
            packages:
              - {name: a, arch: aarch64, repositories: [p1-baseos, p1-extras]}
              - {name: a, arch: src, repositories: [p1-extras, p1-baseos]}
              - {name: a-doc, arch: noarch, repositories: [p1-extras, p1-baseos]}
              - {name: a, arch: x86_64, repositories: [p1-extras, p1-baseos]}
              - {name: a, arch: i686, repositories: [p1-extras]}
            """
        ])
        XCTAssertEqual(
            lines(result),
            [
                "releases/r.yml:5:56: package 'a' (arch aarch64) cannot go into repository 'p1-extras': "
                    + "platform 'P1' has it only for x86_64",
                "releases/r.yml:6:41: package 'a' (arch src) cannot go into repository 'p1-extras': "
                    + "platform 'P1' has it only for x86_64"
            ])
    }

    func testPlanJSONWithoutStateOrSkipReadsAsPlannedAndUnskipped() throws {
        let old =
            #"{"builds":[1],"name":"r","packages":[{"arch":"x86_64","name":"bash","repositories":["b"]}],"platform":"P"}"#
        let plan = try JSONDecoder().decode(ReleasePlan.self, from: Data(old.utf8))
        XCTAssertEqual(plan.state, .planned)
        XCTAssertEqual(plan.packages.first?.skip, false)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(plan), as: UTF8.self)
        XCTAssertEqual(
            text,
            #"{"builds":[1],"name":"r","packages":[{"arch":"x86_64","name":"bash","repositories":["b"]}],"#
                + #""platform":"P","state":"planned"}"#)
        var skipped = plan
        skipped.packages[0].skip = true
        let again = try JSONDecoder().decode(ReleasePlan.self, from: try encoder.encode(skipped))
        XCTAssertEqual(again, skipped)
    }
}
