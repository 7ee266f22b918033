import Spec

extension Planner {
    /// Distributions: their platform sets.
    public static func reconcileDistributions(desired: DesiredState, actual: ActualState) -> [Change] {
        let want = Dictionary(desired.distributions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(actual.distributions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func attrs(_ platforms: [String]) -> [String: JSONValue] {
            ["platforms": .array(Set(platforms).sorted().map { .string($0) })]
        }
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            change(kind: .distribution, name: name, desired: want[name].map { attrs($0.platforms) },
                   actual: have[name].map { attrs($0.platforms) }, actualOrigin: have[name]?.origin)
        }
    }
}
