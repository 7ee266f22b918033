import Spec

extension Planner {
    /// Teams: members with their roles, owned platforms and products. Nothing refers to a team
    /// but its own rows, so a team gone from git is deleted.
    package static func reconcileTeams(desired: DesiredState, actual: ActualState) -> [Change] {
        let want = Dictionary(desired.teams.map { ($0.name, $0.normalized) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(
            actual.teams.map { a -> (String, Actual<Team>) in
                var normalized = a
                normalized.record = a.record.normalized
                return (a.record.name, normalized)
            }, uniquingKeysWith: { a, _ in a })
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            change(Resource.team, desired: want[name], actual: have[name])
        }
    }
}

extension Team {
    /// Members by login with sorted roles, platforms and products sorted: a desired team equals
    /// the one read back from the database.
    var normalized: Team {
        var t = self
        t.members = t.members.map { TeamMember(login: $0.login, roles: Set($0.roles).sorted()) }
            .sorted { $0.login < $1.login }
        t.platforms.sort()
        t.products.sort()
        return t
    }
}
