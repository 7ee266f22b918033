import XCTest

@testable import Spec

/// Every error class of a platform file, each at its exact file:line:column.
final class PlatformRulesTests: XCTestCase {
    func testSyntaxErrorHasItsPosition() {
        let result = load([
            "platforms/broken.yml": """
            name: AlmaLinux-9
            type: rpm
              arch_list: x
            """
        ])
        XCTAssertEqual(
            lines(result),
            [
                "platforms/broken.yml:3:12: YAML syntax error: mapping values are not allowed in this context"
            ])
        XCTAssertEqual(result.counts.total, 0)
    }

    func testUnknownKeysWrongTypesAndMissingFieldsAreAllReported() {
        let result = load([
            "platforms/p.yml": """
            name: P1
            type: rpm
            distr_type: rhel
            distr_version: '9'
            arch_list: x86_64
            color: blue
            repos:
              - name: r
                arch: x86_64
                url: https://e.org/
                type: rpm
                debug: maybe
              - name: r2
                arch: x86_64
                type: rpm
            """
        ])
        XCTAssertEqual(
            lines(result),
            [
                "platforms/p.yml:1:1: missing required key 'test_dist_name' in platform",
                "platforms/p.yml:5:12: 'arch_list' must be a list, found a string 'x86_64'",
                "platforms/p.yml:6:1: unknown key 'color' in platform; allowed keys: arch_list, data, "
                    + "distr_type, distr_version, name, release_requires_tests, repos, skip_tests, test_dist_name, type",
                "platforms/p.yml:12:12: 'debug' must be true or false, found a string 'maybe'",
                "platforms/p.yml:13:5: missing required key 'url' in repo"
            ])
        XCTAssertTrue(result.state.platforms.isEmpty, "an invalid platform is not part of the state")
    }

    func testArchitectureRules() {
        let result = load([
            "platforms/arch.yml": """
            name: Arch
            type: rpm
            distr_type: rhel
            distr_version: '9'
            test_dist_name: almalinux
            arch_list:
              - x86_64
              - x86-64
              - noarch
            repos:
              - name: a
                arch: armv7
                url: https://e.org/a/
                type: rpm
              - name: b
                arch: ppc64le
                url: https://e.org/b/
                type: rpm
              - name: c
                arch: src
                url: https://e.org/c/
                type: rpm
              - name: d
                arch: src
                url: https://e.org/d/
                type: rpm
                debug: true
              - name: c
                arch: src
                url: https://e.org/c2/
                type: rpm
              - name: e
                arch: x86_64
                url: https://e.org/e/
                type: deb
            """
        ])
        XCTAssertEqual(
            lines(result),
            [
                "platforms/arch.yml:8:5: unknown architecture 'x86-64'; known: x86_64, x86_64_v2, aarch64, ppc64le, s390x, i686, riscv64",
                "platforms/arch.yml:9:5: 'noarch' cannot be in arch_list: list build architectures "
                    + "(x86_64, x86_64_v2, aarch64, ppc64le, s390x, i686, riscv64); noarch and src builds are implied",
                "platforms/arch.yml:12:11: unknown architecture 'armv7'; known: x86_64, x86_64_v2, aarch64, ppc64le, s390x, i686, riscv64, noarch, src",
                "platforms/arch.yml:16:11: repo 'b' has arch 'ppc64le', which is not in the platform's arch_list (x86_64); "
                    + "a platform repo's arch is one of arch_list or src",
                "platforms/arch.yml:27:12: repo 'd' has arch src and debug true: source repositories have no debug variant",
                "platforms/arch.yml:28:5: repo 'c' (arch src, debug false) is already defined at platforms/arch.yml:19:5",
                "platforms/arch.yml:35:11: repo 'e' has type 'deb' but the platform's type is 'rpm'"
            ])
    }

    func testEmptyArchListAndUnknownType() {
        let result = load([
            "platforms/empty.yml": """
            name: Empty
            type: rpmx
            distr_type: rhel
            distr_version: '9'
            test_dist_name: almalinux
            arch_list: []
            """
        ])
        XCTAssertEqual(
            lines(result),
            [
                "platforms/empty.yml:2:7: 'type' must be rpm or deb, found 'rpmx'",
                "platforms/empty.yml:6:12: 'arch_list' must not be empty"
            ])
    }

    func testDebPlatformUsesDebArches() {
        let good = load([
            "platforms/deb.yml": """
            name: Debian-12
            type: deb
            distr_type: debian
            distr_version: '12'
            test_dist_name: debian
            arch_list: [amd64, arm64]
            repos:
              - {name: bookworm-main, arch: amd64, url: 'http://deb.debian.org/debian/', type: deb, production: true}
              - {name: bookworm-main, arch: src, url: 'http://deb.debian.org/debian/', type: deb, production: true}
            """
        ])
        XCTAssertEqual(lines(good), [])
        XCTAssertEqual(good.state.platforms.first?.archList, ["amd64", "arm64"])

        let bad = load([
            "platforms/deb.yml": """
            name: Debian-12
            type: deb
            distr_type: debian
            distr_version: '12'
            test_dist_name: debian
            arch_list: [amd64, x86_64]
            """
        ])
        XCTAssertEqual(lines(bad), ["platforms/deb.yml:6:20: unknown architecture 'x86_64'; known: amd64, arm64"])
    }

    func testScalarsAndData() throws {
        let result = load([
            "platforms/s.yml": """
            name: S
            type: rpm
            distr_type: rhel
            distr_version: 9.10
            test_dist_name: almalinux
            arch_list: [x86_64]
            data:
              timeout: 43200
              ratio: 0.5
              enabled: true
              answer: yes
              nothing: ~
              list: [1, "2"]
              nested: {dist: .el9}
            """
        ])
        XCTAssertEqual(lines(result), [])
        let p = try XCTUnwrap(result.state.platforms.first)
        XCTAssertEqual(p.distrVersion, "9.10", "scalars are taken as written")
        XCTAssertEqual(
            p.data,
            [
                "timeout": .int(43200), "ratio": .double(0.5), "enabled": .bool(true),
                "answer": .string("yes"), "nothing": .null,
                "list": .array([.int(1), .string("2")]),
                "nested": .object(["dist": .string(".el9")])
            ])
    }
}
