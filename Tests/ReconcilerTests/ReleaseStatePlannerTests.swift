import Reconciler
import Spec
import Statuses
import Store
import Testing

/// A release no longer scheduled is kept, except for its `state`.
@Suite struct ReleaseStatePlannerTests {
    let loc = SourceLocation(file: "releases/r.yml", line: 1, column: 1)

    func release(builds: [Int] = [7], state: ReleaseState, location: Bool = true) -> ReleasePlan {
        ReleasePlan(
            name: "r1", platform: "A", referencePlatform: nil, builds: builds,
            packages: [ReleasePackage(name: "bash", arch: "x86_64", repositories: ["a-baseos"])], state: state,
            location: location ? loc : nil)
    }

    func plan(desired: ReleasePlan, actual: ReleasePlan, status: ReleaseStatus) -> [Change] {
        Planner.reconcileReleases(
            desired: DesiredState(releases: [desired]),
            actual: ActualState(releases: [Actual(actual, origin: .git, status: status)]))
    }

    @Test func aCompletedReleaseWhoseStateAloneChangesIsUpdated() throws {
        let changes = plan(
            desired: release(state: .reverted), actual: release(state: .committed, location: false),
            status: .completed)
        let change = try #require(changes.first)
        #expect(changes.count == 1)
        #expect(change.action == .update)
        #expect(change.reason == nil)
        #expect(
            change.fields == [FieldChange(field: "state", before: .string("committed"), after: .string("reverted"))])
        #expect(PostgresStateDatabase.write(for: change) == .upsertRelease(release(state: .reverted)))
        let text = Plan(commitSHA: "abc", fingerprint: "f", changes: changes).renderText()
        #expect(text.contains(#"~ state = "committed" -> "reverted""#), "\(text)")
    }

    @Test func aCompletedReleaseWithOtherChangesStaysKept() throws {
        let changes = plan(
            desired: release(builds: [8], state: .reverted), actual: release(state: .committed, location: false),
            status: .completed)
        let change = try #require(changes.first)
        #expect(change.action == .keep)
        #expect(change.reason == "release is completed; only a scheduled release is changed or deleted")
        #expect(PostgresStateDatabase.write(for: change) == nil)
    }

    @Test func aScheduledReleaseStateChangeIsAnOrdinaryUpdate() throws {
        let changes = plan(
            desired: release(state: .committed), actual: release(state: .planned, location: false), status: .scheduled)
        let change = try #require(changes.first)
        #expect(change.action == .update)
        #expect(change.fields.map(\.field) == ["state"])
    }

    @Test func anEqualCompletedReleasePlansNothing() {
        #expect(
            plan(
                desired: release(state: .committed), actual: release(state: .committed, location: false),
                status: .completed
            ).isEmpty)
    }
}
