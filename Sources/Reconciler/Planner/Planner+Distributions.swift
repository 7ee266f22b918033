import Spec

extension Planner {
    /// Distributions: their platform sets.
    package static func reconcileDistributions(desired: DesiredState, actual: ActualState) -> [Change] {
        let want = Dictionary(desired.distributions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(actual.distributions.map { ($0.record.name, $0) }, uniquingKeysWith: { a, _ in a })
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            change(Resource.distribution, desired: want[name], actual: have[name])
        }
    }
}
