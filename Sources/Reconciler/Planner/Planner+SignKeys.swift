import Spec

extension Planner {
    /// Sign keys: create, update, delete unless sign tasks use them.
    package static func reconcileSignKeys(desired: DesiredState, actual: ActualState) -> [Change] {
        let want = Dictionary(desired.signKeys.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(actual.signKeys.map { ($0.record.name, $0) }, uniquingKeysWith: { a, _ in a })
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            change(Resource.signKey, desired: want[name], actual: have[name])
        }
    }
}
