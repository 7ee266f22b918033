import Spec
import Statuses

extension Planner {
    /// Releases declared in git (`releases/*.yml`). Only a scheduled release is changed or
    /// deleted; one in progress or finished is history and kept (`Actual.frozen`). API
    /// releases not named in git are runtime objects and not part of the plan.
    package static func reconcileReleases(desired: DesiredState, actual: ActualState) -> [Change] {
        let want = Dictionary(desired.releases.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(actual.releases.map { ($0.record.name, $0) }, uniquingKeysWith: { a, _ in a })
        return Set(want.keys).union(have.keys).sorted().compactMap { name -> Change? in
            if want[name] == nil, have[name]?.origin == .api { return nil }
            return change(Resource.release, desired: want[name], actual: have[name])
        }
    }
}
