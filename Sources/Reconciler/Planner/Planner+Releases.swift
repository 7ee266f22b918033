import Spec
import Statuses

extension Planner {
    /// Releases declared in git (`releases/*.yml`). Only a scheduled release is changed or
    /// deleted; one in progress or finished is history and kept (`Actual.frozen`), except
    /// for its `state` (a committed release marked reverted in git): a frozen git release
    /// that differs only there is updated, and apply writes only its `desired_state`. API
    /// releases not named in git are runtime objects and not part of the plan.
    package static func reconcileReleases(desired: DesiredState, actual: ActualState) -> [Change] {
        let want = Dictionary(desired.releases.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(actual.releases.map { ($0.record.name, $0) }, uniquingKeysWith: { a, _ in a })
        return Set(want.keys).union(have.keys).sorted().compactMap { name -> Change? in
            if want[name] == nil, have[name]?.origin == .api { return nil }
            if let d = want[name], var a = have[name], a.frozen != nil, onlyStateDiffers(d, a) {
                a.frozen = nil
                return change(Resource.release, desired: d, actual: a)
            }
            return change(Resource.release, desired: want[name], actual: have[name])
        }
    }

    /// Whether a git release's desired record differs from the actual one in `state` alone.
    static func onlyStateDiffers(_ desired: ReleasePlan, _ actual: Actual<ReleasePlan>) -> Bool {
        guard actual.origin == .git, desired.state != actual.record.state else { return false }
        let fields = FieldChange.diff(Resource.release(actual.record).fields, Resource.release(desired).fields)
        return fields.map(\.field) == ["state"]
    }
}
