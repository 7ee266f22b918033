import Testing

@testable import Spec

/// `teams/*.yml`: a good team reads into the state; each bad field is reported at its exact
/// file:line:column.
@Suite struct TeamRulesTests {
    @Test func aGoodTeamIsRead() throws {
        let result = load([
            "platforms/p.yml": platformYAML("P"),
            "distributions/d.yml": "name: d\nplatforms: [P]\n",
            "teams/core.yml": """
            name: core
            platforms: [P]
            products: [d]
            members:
              - login: zed
                roles: [signer]
              - login: alice
                roles: [contributor, manager]
            """
        ])
        #expect(lines(result) == [])
        let team = try #require(result.state.teams.first)
        #expect(team.name == "core")
        #expect(team.members.map(\.login) == ["alice", "zed"])
        #expect(team.members.first?.roles == [.manager, .contributor])
        #expect(team.platforms == ["P"])
        #expect(team.products == ["d"])
        #expect(team.location == SourceLocation(file: "teams/core.yml", line: 1, column: 1))
        #expect(result.counts.teams == 1)
    }

    @Test func eachBadFieldIsReportedAtItsPosition() {
        let result = load([
            "platforms/p.yml": platformYAML("P"),
            "teams/bad.yml": """
            name: core
            color: red
            platforms: [P, Nope, P]
            products: [nothing]
            members:
              - login: alice
                roles: [manager, owner, manager]
              - login: alice
                roles: [signer]
              - login: 'bad login'
                roles: [signer]
              - login: bob
                roles: []
            """,
            "teams/zz.yml": "name: core\nmembers: []\n"
        ])
        #expect(
            lines(result) == [
                "teams/bad.yml:2:1: unknown key 'color' in team; allowed keys: members, name, platforms, products",
                "teams/bad.yml:3:16: team 'core' names unknown platform 'Nope'",
                "teams/bad.yml:3:22: 'P' is listed twice in 'platforms'",
                "teams/bad.yml:4:12: team 'core' names unknown product 'nothing' (a distribution)",
                "teams/bad.yml:7:22: unknown role 'owner'; known: manager, contributor, signer, releaser",
                "teams/bad.yml:7:29: role 'manager' is listed twice",
                "teams/bad.yml:8:12: member 'alice' is already listed at teams/bad.yml:6:12",
                "teams/bad.yml:10:12: 'login' must be 1 to 64 letters, digits, '.', '_' or '-' (starting with a letter or digit), found 'bad login'",
                "teams/bad.yml:13:12: 'roles' must name at least one role: manager, contributor, signer, releaser",
                "teams/zz.yml:1:7: team 'core' is already defined at teams/bad.yml:1:7"
            ])
    }
}
