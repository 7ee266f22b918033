import Foundation
import XCTest

@testable import Spec

/// Files, documents and names defined twice.
final class FileRulesTests: XCTestCase {
    func testDocumentShapeProblems() {
        let result = load([
            "platforms/two.yml": "name: a\n---\nname: b\n",
            "platforms/empty.yml": "",
            "distributions/list.yml": "- a\n- b\n",
            "releases/dupkey.yml": "name: a\nname: b\n",
            "sign-keys/bad.yaml": "name: k\n\tkeyid: x\n",
            "platforms/README.md": "not: [yaml",
            "notes.yml": "not: [yaml"
        ])
        XCTAssertEqual(
            lines(result),
            [
                "distributions/list.yml:1:1: expected a distribution mapping, found a list",
                "platforms/empty.yml:1:1: empty file: expected a platform mapping",
                "platforms/two.yml:2:1: only one object per file: found a second YAML document",
                "releases/dupkey.yml:1:1: duplicate key 'name' in mapping: each key may appear once",
                "sign-keys/bad.yaml:2:1: YAML syntax error: found a tab character that violates indentation "
                    + "(while scanning a plain scalar at line 1, column 7)"
            ])
        XCTAssertEqual(result.fileCount, 5, "README.md and files outside the kind folders are ignored")
    }

    func testPlatformDefinedTwiceAcrossFilesPointsAtBoth() {
        let result = load([
            "platforms/a.yml": platformYAML("Dup"),
            "platforms/b.yml": platformYAML("Dup")
        ])
        XCTAssertEqual(
            lines(result),
            [
                "platforms/b.yml:1:7: platform 'Dup' is already defined at platforms/a.yml:1:7"
            ])
        XCTAssertEqual(result.state.platforms.count, 1)
        XCTAssertEqual(result.state.platforms.first?.location?.file, "platforms/a.yml")
    }

    func testOtherKindsDefinedTwice() {
        let key =
            "name: k\nkeyid: D36CB86CB86B3716\nfingerprint: BF18AC2876178908D6E71267D36CB86CB86B3716\n"
            + "public_key_file: al9.asc\nplatforms: [P1]\n"
        let result = load([
            "sign-keys/al9.asc": almaLinux9PublicKey,
            "platforms/p.yml": platformYAML("P1"),
            "distributions/a.yml": "name: d\nplatforms: [P1]\n",
            "distributions/b.yml": "# again\nname: d\nplatforms: [P1, P1]\n",
            "sign-keys/a.yml": key,
            "sign-keys/b.yml": key,
            "sign-keys/c.yml": key.replacingOccurrences(of: "name: k", with: "name: k2"),
            "releases/a.yml": "name: r\nplatform: P1\nbuilds: [1]\n",
            "releases/b.yml": "name: r\nplatform: P1\nbuilds: [2]\n",
            "repositories/a.yml": "name: epel-9\narch: x86_64\nurl: https://e.org/1/\ntype: rpm\n",
            "repositories/b.yml": "name: epel-9\narch: x86_64\nurl: https://e.org/2/\ntype: rpm\n",
            "repositories/c.yml": "name: epel-9\narch: x86_64\nurl: https://e.org/3/\ntype: rpm\ndebug: true\n"
        ])
        XCTAssertEqual(
            lines(result),
            [
                "distributions/b.yml:2:7: distribution 'd' is already defined at distributions/a.yml:1:7",
                "distributions/b.yml:3:17: platform 'P1' is listed twice in distribution 'd'",
                "releases/b.yml:1:7: release 'r' is already defined at releases/a.yml:1:7",
                "repositories/b.yml:1:7: repository 'epel-9' (arch x86_64, debug false) is already defined at repositories/a.yml:1:7",
                "sign-keys/b.yml:1:7: sign key 'k' is already defined at sign-keys/a.yml:1:7",
                "sign-keys/c.yml:2:8: keyid D36CB86CB86B3716 is already used by the sign key at sign-keys/a.yml:2:8"
            ])
        XCTAssertEqual(
            result.counts,
            SpecCounts(
                platforms: 1, distributions: 1, repositories: 2,
                signKeys: 1, releases: 1))
    }

    func testSharedRepositoryMustAgree() {
        let result = load([
            "platforms/a.yml": platformYAML("A", repoPrefix: "shared"),
            "platforms/b.yml": platformYAML("B", repoPrefix: "shared"),
            "platforms/c.yml": platformYAML("C", repoPrefix: "shared")
                .replacingOccurrences(of: "shared/devel/", with: "other/devel/"),
            "repositories/x.yml": "name: shared-baseos\narch: aarch64\nurl: https://e.org/\ntype: rpm\n"
        ])
        XCTAssertEqual(
            lines(result),
            [
                "platforms/c.yml:12:5: repository 'shared-devel' (arch x86_64, debug false) is also defined at "
                    + "platforms/a.yml:12:5 with a different url: one name+arch+debug is one repository",
                "repositories/x.yml:1:1: repository 'shared-baseos' (arch aarch64, debug false) is also defined at "
                    + "platforms/a.yml:9:5 with a different url, production: one name+arch+debug is one repository"
            ])
    }

    func testAllProblemsOfAllFilesAreReportedInOrder() {
        let result = load([
            "platforms/p.yml": platformYAML("P1"),
            "distributions/d.yml": "name: dist\nplatforms:\n  - P1\n  - Nope\n",
            "sign-keys/k.yml": """
            name: k
            keyid: D36CB86CB86B371
            fingerprint: XF18AC2876178908D6E71267D36CB86CB86B3716
            public_url: https://e.org/key
            """,
            "sign-keys/m.yml": """
            name: m
            keyid: 0000000000000000
            fingerprint: BF18AC2876178908D6E71267D36CB86CB86B3716
            public_url: ftp://e.org/key
            """,
            "platforms/z.yml": "name: Z\ntype: rpm\nbogus: 1\n"
        ])
        XCTAssertEqual(
            lines(result),
            [
                "distributions/d.yml:4:5: distribution 'dist' names unknown platform 'Nope'",
                "platforms/z.yml:1:1: missing required key 'arch_list' in platform",
                "platforms/z.yml:1:1: missing required key 'distr_type' in platform",
                "platforms/z.yml:1:1: missing required key 'distr_version' in platform",
                "platforms/z.yml:1:1: missing required key 'test_dist_name' in platform",
                "platforms/z.yml:3:1: unknown key 'bogus' in platform; allowed keys: arch_list, data, "
                    + "distr_type, distr_version, name, release_requires_tests, repos, skip_tests, test_dist_name, type",
                "sign-keys/k.yml:1:1: missing required key 'platforms' in sign key",
                "sign-keys/k.yml:1:1: missing required key 'public_key' in sign key: the ASCII-armored public key, "
                    + "inline (public_key: |) or in a file next to this one (public_key_file: NAME.asc)",
                "sign-keys/k.yml:2:8: 'keyid' must be 16 hexadecimal digits (the long key id), found 'D36CB86CB86B371'",
                "sign-keys/k.yml:3:14: 'fingerprint' must be 40 hexadecimal digits, found 'XF18AC2876178908D6E71267D36CB86CB86B3716'",
                "sign-keys/m.yml:1:1: missing required key 'platforms' in sign key",
                "sign-keys/m.yml:1:1: missing required key 'public_key' in sign key: the ASCII-armored public key, "
                    + "inline (public_key: |) or in a file next to this one (public_key_file: NAME.asc)",
                "sign-keys/m.yml:2:8: 'keyid' 0000000000000000 is not the last 16 digits of the fingerprint "
                    + "BF18AC2876178908D6E71267D36CB86CB86B3716",
                "sign-keys/m.yml:4:13: 'public_url' must be a URL starting with one of http://, https:// (KILN_REPOSITORY_URL_SCHEMES allows others), found 'ftp://e.org/key'"
            ])
    }

    func testDiagnosticsEncodeFlatForJSON() throws {
        let d = Diagnostic(SourceLocation(file: "platforms/a.yml", line: 3, column: 7), "boom")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(d), as: UTF8.self)
        XCTAssertEqual(json, #"{"column":7,"file":"platforms\/a.yml","line":3,"message":"boom"}"#)
        XCTAssertEqual(try JSONDecoder().decode(Diagnostic.self, from: Data(json.utf8)), d)
        let counts = String(decoding: try encoder.encode(SpecCounts(platforms: 1, signKeys: 2)), as: UTF8.self)
        XCTAssertEqual(
            counts,
            #"{"distributions":0,"flavors":0,"platforms":1,"releases":0,"repositories":0,"retired":0,"sign_keys":2,"teams":0}"#
        )
    }
}
