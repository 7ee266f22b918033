import Statuses
import Testing

@Suite struct StatusesTests {
    @Test func albsIntegers() {
        #expect(BuildTaskStatus.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5])
        #expect(ReleaseStatus.allCases.map(\.rawValue) == [1, 2, 3, 4, 5])
        #expect(SignTaskStatus.allCases.map(\.rawValue) == [1, 2, 3, 4])
        #expect(TestTaskStatus.allCases.map(\.rawValue) == [1, 2, 3, 4, 5])
        #expect(RefType.allCases.map(\.rawValue) == [1, 2, 3, 4])
    }

    @Test func sqlConstants() {
        #expect(BuildTaskStatus.completed.sql == "2")
        #expect(BuildTaskStatus.sqlList(BuildTaskStatus.unfinished) == "(0, 1)")
        #expect(BuildRepositoryKind.sqlList(BuildRepositoryKind.installable) == "('rpm', 'debug')")
        #expect(ReconcileRunResult.noChanges.sql == "'no_changes'")
        #expect(Origin.git.sql == "'git'")
    }

    @Test func outcomes() {
        #expect(BuildTaskOutcome.done.status == .completed)
        #expect(BuildTaskOutcome.failed.status == .failed)
        #expect(BuildTaskOutcome.excluded.status == .excluded)
        #expect(!BuildTaskStatus.started.isFinished && BuildTaskStatus.excluded.isFinished)
    }
}
