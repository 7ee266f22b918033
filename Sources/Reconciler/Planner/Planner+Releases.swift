import Spec

extension Planner {
    static func statusName(_ status: Int) -> String {
        switch status {
        case 1: "scheduled"
        case 2: "in progress"
        case 3: "completed"
        case 4: "failed"
        default: "status \(status)"
        }
    }

    static func attributes(_ r: ReleasePlan) -> [String: JSONValue] {
        let packages: [JSONValue] = r.packages
            .sorted { ($0.name, $0.arch) < ($1.name, $1.arch) }
            .map { .object(["name": .string($0.name), "arch": .string($0.arch),
                            "repositories": .array($0.repositories.map { .string($0) })]) }
        return ["platform": .string(r.platform),
                "reference_platform": r.referencePlatform.map { .string($0) } ?? .null,
                "plan": .object(["builds": .array(r.builds.map { .int($0) }), "packages": .array(packages)])]
    }

    static func attributes(_ r: ActualRelease) -> [String: JSONValue] {
        ["platform": .string(r.platform),
         "reference_platform": r.referencePlatform.map { .string($0) } ?? .null,
         "plan": r.plan]
    }

    /// Releases declared in git (`releases/*.yml`). Only a scheduled release is changed or
    /// deleted; one in progress or finished is history and kept. API releases not named in
    /// git are runtime objects and not part of the plan.
    public static func reconcileReleases(desired: DesiredState, actual: ActualState) -> [Change] {
        let want = Dictionary(desired.releases.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(actual.releases.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return Set(want.keys).union(have.keys).sorted().compactMap { name -> Change? in
            let a = have[name]
            if want[name] == nil, a?.origin == "api" { return nil }
            guard var c = change(kind: .release, name: name, desired: want[name].map(attributes),
                                 actual: a.map(attributes), actualOrigin: a?.origin) else { return nil }
            if let a, a.status != 1, c.action == .update || c.action == .delete {
                c.action = .keep
                c.reason = "release is \(statusName(a.status)); only a scheduled release is changed or deleted"
                c.attributes = nil
            }
            return c
        }
    }
}
