import Testing

@testable import Spec

/// `flavors/*.yml`: a good flavor reads into the state; each bad field is reported at its
/// exact file:line:column.
@Suite struct FlavorRulesTests {
    @Test func aGoodFlavorIsRead() throws {
        let result = load([
            "flavors/beta.yml": """
            name: AlmaLinux-9-beta
            modularity:
              git_tag_prefix: {modified: a9-beta, non_modified: c9-beta}
            data:
              mock:
                macros: {'%beta': '1'}
                secure_boot_macros: {'%pe_signing_cert': '06'}
                chroot_setup_cmd: install bash beta-release
                use_host_resolv: true
                dnf_common_opts: [--nobest]
              definitions: {vendor: AlmaLinux Beta}
              versions: [{name: '9.8'}]
            repositories:
              - {name: beta, arch: x86_64, url: 'https://e.org/beta/x86_64/', type: rpm}
              - {name: beta, arch: src, url: 'https://e.org/beta/src/', type: rpm}
            """
        ])
        #expect(lines(result) == [])
        let flavor = try #require(result.state.flavors.first)
        #expect(flavor.name == "AlmaLinux-9-beta")
        #expect(
            flavor.modularity?["git_tag_prefix"]
                == .object(["modified": .string("a9-beta"), "non_modified": .string("c9-beta")]))
        #expect(flavor.data["definitions"] == .object(["vendor": .string("AlmaLinux Beta")]))
        #expect(flavor.repos.map(\.arch) == ["x86_64", "src"])
        #expect(flavor.location == SourceLocation(file: "flavors/beta.yml", line: 1, column: 1))
        #expect(result.counts.flavors == 1)
    }

    @Test func aFlavorWithoutModularityHasNone() throws {
        let result = load(["flavors/min.yml": "name: min\n"])
        #expect(lines(result) == [])
        #expect(try #require(result.state.flavors.first).modularity == nil)
    }

    @Test func eachBadFieldIsReportedAtItsPosition() {
        let result = load([
            "flavors/bad.yml": """
            name: bad flavor
            color: blue
            modularity: [x]
            data:
              mock:
                macros: [a]
                secure_boot_macros: nope
                chroot_setup_cmd: {a: b}
                use_host_resolv: maybe
                dnf_common_opts: [--nobest, {a: b}]
              definitions: text
            repositories:
              - {name: r, arch: armv7, url: 'https://e.org/r/', type: rpm}
              - {name: r, arch: src, url: 'https://e.org/s/', type: rpm, debug: true}
              - {name: r2, arch: x86_64, url: 'ftp://e.org/r2/', type: rpm}
              - {name: r3, arch: x86_64, type: rpm}
              - {name: r2, arch: x86_64, url: 'https://e.org/r2/', type: rpm}
            """
        ])
        #expect(
            lines(result) == [
                "flavors/bad.yml:1:7: 'name' must be letters, digits, '.', '_', '+' or '-' (starting with a letter or digit), found 'bad flavor'",
                "flavors/bad.yml:2:1: unknown key 'color' in flavor; allowed keys: data, modularity, name, repositories",
                "flavors/bad.yml:3:13: 'modularity' must be a mapping, found a list",
                "flavors/bad.yml:6:13: 'data.mock.macros' must be a mapping, found a list",
                "flavors/bad.yml:7:25: 'data.mock.secure_boot_macros' must be a mapping, found a string 'nope'",
                "flavors/bad.yml:8:23: 'data.mock.chroot_setup_cmd' must be a string, found a mapping",
                "flavors/bad.yml:9:22: 'data.mock.use_host_resolv' must be true or false, found a string 'maybe'",
                "flavors/bad.yml:10:33: items of 'data.mock.dnf_common_opts' must be strings, found a mapping",
                "flavors/bad.yml:11:16: 'data.definitions' must be a mapping, found a string 'text'",
                "flavors/bad.yml:13:21: unknown architecture 'armv7'; known: "
                    + Architecture.allArches(for: "rpm").joined(separator: ", "),
                "flavors/bad.yml:14:69: repository 'r' has arch src and debug true: source repositories have no debug variant",
                "flavors/bad.yml:15:35: 'url' must be a URL starting with one of http://, https:// "
                    + "(KILN_REPOSITORY_URL_SCHEMES allows others), found 'ftp://e.org/r2/'",
                "flavors/bad.yml:16:5: missing required key 'url' in repository",
                "flavors/bad.yml:17:5: repository 'r2' (arch x86_64, debug false) is already defined at flavors/bad.yml:15:5"
            ])
    }

    @Test func aFlavorRepositoryMustAgreeWithThePlatformsAndTwoFlavorsMayNotShareAName() {
        let result = load([
            "platforms/p.yml": platformYAML("P1", repoPrefix: "p"),
            "flavors/a.yml": """
            name: beta
            repositories:
              - {name: p-baseos, arch: x86_64, url: 'https://elsewhere.org/', type: rpm, production: true}
            """,
            "flavors/b.yml": "name: beta\n"
        ])
        #expect(
            lines(result) == [
                "flavors/a.yml:3:5: repository 'p-baseos' (arch x86_64, debug false) is also defined at "
                    + "platforms/p.yml:8:5 with a different url: one name+arch+debug is one repository",
                "flavors/b.yml:1:7: flavor 'beta' is already defined at flavors/a.yml:1:7"
            ])
    }
}
