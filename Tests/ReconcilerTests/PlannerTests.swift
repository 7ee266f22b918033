import Artifacts
import Foundation
import Reconciler
import Spec
import Statuses
import Store
import Testing

@Suite struct PlannerTests {
    let loc = SourceLocation(file: "platforms/p.yml", line: 1, column: 1)

    func platform(_ name: String, version: String = "9", repos: [String] = ["baseos"]) -> Platform {
        Platform(
            name: name, type: "rpm", distrType: "rhel", distrVersion: version, testDistName: "almalinux",
            archList: ["x86_64"], data: ["mock": .object(["n": .int(1)])],
            repos: repos.map {
                Repository(
                    name: "\(name)-\($0)", arch: "x86_64", url: "https://r/\($0)/",
                    type: "rpm", debug: false, production: false, location: loc)
            },
            location: loc)
    }

    /// The platform as the database gives it back: no locations, `data` with a double.
    func actual(_ p: Platform, origin: Origin = .git, usedBy: [String] = []) -> (Actual<Platform>, [Actual<Repository>])
    {
        let repos = p.repos.map {
            var r = $0
            r.location = nil
            return r
        }
        var stored = p
        stored.location = nil
        stored.repos = repos
        stored.data = ["mock": .object(["n": .double(1.0)])]
        return (Actual(stored, origin: origin, usedBy: usedBy), repos.map { Actual($0, origin: origin) })
    }

    @Test func emptyActualPlansEveryObject() {
        let desired = DesiredState(
            platforms: [platform("A"), platform("B")],
            distributions: [Distribution(name: "D", platforms: ["A"], location: loc)])
        let plan = Planner.plan(desired: desired, actual: ActualState(), commitSHA: "abc")
        #expect(plan.toAdd == 5)  // 2 platforms, 2 repositories, 1 distribution
        #expect(plan.toChange == 0)
        #expect(plan.toDestroy == 0)
        // repositories before the platforms that use them, platforms before distributions
        #expect(plan.changes.map(\.kind) == [.repository, .repository, .platform, .platform, .distribution])
        let text = plan.renderText()
        #expect(text.contains("+ platform \"A\" {"))
        #expect(text.contains("+ distr_version"))
        #expect(text.contains("+ repositories           = [\"A-baseos/x86_64\"]"))
        #expect(text.contains("+ skip_tests             = false"))
        #expect(text.hasSuffix("Plan: 5 to add, 0 to change, 0 to destroy.\n"))
    }

    @Test func changesCarryTheTypedRecords() throws {
        let p = platform("A")
        let plan = Planner.plan(desired: DesiredState(platforms: [p]), actual: ActualState(), commitSHA: "abc")
        let change = try #require(plan.changes.first { $0.kind == .platform })
        #expect(change.desired == .platform(p))
        #expect(change.actual == nil)
        let repo = try #require(plan.changes.first { $0.kind == .repository })
        #expect(repo.desired == .repository(p.repos[0]))
        #expect(repo.name == "A-baseos/x86_64")
    }

    @Test func convergedPlanHasNoChangesAndIntegralDoublesMatch() {
        let p = platform("A")
        let (ap, ar) = actual(p)
        let plan = Planner.plan(
            desired: DesiredState(platforms: [p]),
            actual: ActualState(repositories: ar, platforms: [ap]), commitSHA: "abc")
        #expect(!plan.hasChanges, "\(plan.renderText())")
        #expect(plan.renderText().contains("No changes."))
    }

    @Test func oneFieldChangeIsExactlyThatChange() throws {
        let (ap, ar) = actual(platform("A", version: "9.4"))
        let plan = Planner.plan(
            desired: DesiredState(platforms: [platform("A", version: "9.5")]),
            actual: ActualState(repositories: ar, platforms: [ap]), commitSHA: "abc")
        #expect(plan.changes.count == 1)
        let c = try #require(plan.changes.first)
        #expect(c.action == .update)
        #expect(c.fields == [FieldChange(field: "distr_version", before: .string("9.4"), after: .string("9.5"))])
        #expect(c.actual?.fields == Resource.platform(ap.record).fields)  // the record as read, normalized
        #expect(plan.renderText().contains("~ distr_version = \"9.4\" -> \"9.5\""))
        #expect(plan.renderText().contains("Plan: 0 to add, 1 to change, 0 to destroy."))
    }

    @Test func markdownFencesCannotBeClosedByFileContents() throws {
        var p = platform("A")
        p.data["note"] = .string("```\n## injected heading\n````")
        let plan = Planner.plan(desired: DesiredState(platforms: [p]), actual: ActualState(), commitSHA: "abc")
        let markdown = plan.renderMarkdown()
        #expect(markdown.contains("`````diff\n"))  // longer than the longest backtick run inside
        #expect(markdown.contains("#### `platforms/p.yml`"))
        #expect(markdown.contains("| platform | 1 | 0 | 0 | 0 |"))
        #expect(markdown.contains("<details open><summary>2 to add"))
        let text = plan.renderText()
        #expect(
            text.contains("      + data.note = <<-EOT\n          + ```\n          + ## injected heading\n"), "\(text)")
    }

    @Test func aLongStringIsWrappedAndItsWordsSummarised() throws {
        let words = (1...30).map { "pkg\($0)" }
        var old = platform("A")
        old.data["cmd"] = .string(words.joined(separator: " "))
        let (ap, ar) = actual(old)
        var stored = ap
        stored.record.data["cmd"] = .string(words.joined(separator: " "))
        var new = old
        new.data["cmd"] = .string((words + ["gcc"]).joined(separator: " "))
        let plan = Planner.plan(
            desired: DesiredState(platforms: [new]), actual: ActualState(repositories: ar, platforms: [stored]),
            commitSHA: "abc")
        let text = plan.renderText()
        #expect(text.contains("      ~ data.cmd =\n          - \"pkg1 pkg2"), "\(text)")
        #expect(text.contains("# (words added: gcc)"), "\(text)")
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 100 }, "\(text)")
    }

    @Test func deletedPlatformIsPrunedUnlessUsed() {
        let (ap, ar) = actual(platform("A"))
        let pruned = Planner.plan(
            desired: DesiredState(), actual: ActualState(repositories: ar, platforms: [ap]),
            commitSHA: "abc")
        #expect(pruned.toDestroy == 2)
        #expect(pruned.changes.map(\.kind) == [.platform, .repository])  // deletions: platform first
        #expect(pruned.changes.allSatisfy { $0.desired == nil && $0.actual != nil })

        let (used, usedRepos) = actual(platform("A"), usedBy: ["used by 1 build task(s)"])
        let kept = Planner.plan(
            desired: DesiredState(), actual: ActualState(repositories: usedRepos, platforms: [used]),
            commitSHA: "abc")
        #expect(kept.toDestroy == 0)
        #expect(!kept.hasChanges)
        let platform = kept.changes.first { $0.kind == .platform }
        #expect(platform?.action == .keep)
        #expect(platform?.reason == "not deleted: used by 1 build task(s)")
        #expect(kept.changes.contains { $0.kind == .repository && $0.action == .keep })
        #expect(kept.renderText().contains("used by 1 build task(s)"))
    }

    @Test func apiOriginObjectsAreShownAndNotPruned() {
        let (ap, ar) = actual(platform("A"), origin: .api)
        let plan = Planner.plan(
            desired: DesiredState(), actual: ActualState(repositories: ar, platforms: [ap]),
            commitSHA: "abc")
        #expect(!plan.hasChanges)
        #expect(plan.changes.allSatisfy { $0.action == .keep && $0.origin == .api })
        #expect(plan.renderText().contains("(origin api)"))
    }

    @Test func storeSideCreatesAndRepairsDrift() {
        let p = platform("A")
        let (ap, ar) = actual(p)
        let spec = StoreNaming.spec(for: ar[0].record)
        #expect(spec?.remoteURL == "https://r/baseos/")
        let missing = Planner.plan(
            desired: DesiredState(platforms: [p]),
            actual: ActualState(repositories: ar, platforms: [ap], storeRepositories: []),
            commitSHA: "abc")
        #expect(missing.changes.map(\.action) == [.create])
        #expect(missing.changes.first?.name == "A-baseos-x86_64")
        var drifted = StoreRepositorySpec(
            name: "A-baseos-x86_64", remoteURL: "https://elsewhere/",
            basePath: "kiln/A-baseos/x86_64")
        drifted.labels = ["kiln-source": "desired-state", "managed-by": "kiln"]
        let repair = Planner.plan(
            desired: DesiredState(platforms: [p]),
            actual: ActualState(repositories: ar, platforms: [ap], storeRepositories: [drifted]),
            commitSHA: "abc")
        #expect(repair.changes.map(\.action) == [.update])
        #expect(repair.changes.first?.fields.map(\.field) == ["remote_url"])
        #expect(repair.changes.first?.desired == spec.map(Resource.storeRepository))
    }

    @Test func savedPlanJSONRoundTripsToAnEqualPlan() throws {
        let release = ReleasePlan(
            name: "r1", platform: "A", referencePlatform: "B", builds: [7, 8],
            packages: [
                ReleasePackage(
                    name: "bash", arch: "x86_64", repositories: ["A-baseos"],
                    location: loc)
            ], location: loc)
        var withDouble = platform("B", version: "9.4")
        withDouble.data = ["mock": .object(["n": .double(2.0), "f": .double(0.5)])]
        let (ap, ar) = actual(platform("B", version: "9.3"))
        let (gone, goneRepos) = actual(platform("Gone"))
        let plan = Planner.plan(
            desired: DesiredState(platforms: [platform("A"), withDouble], releases: [release]),
            actual: ActualState(repositories: ar + goneRepos, platforms: [ap, gone], storeRepositories: []),
            commitSHA: "abc")
        #expect(Set(plan.changes.map(\.action)) == [.create, .update, .delete])
        let data = try plan.jsonData()
        let decoded = try Plan.decode(data)
        #expect(decoded == plan)
        #expect(decoded.renderText() == plan.renderText())
        #expect(try decoded.jsonData() == data)  // stable bytes
        // what the JSON shows per change: typed records plus the derived field list
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let changes = try #require(json["changes"] as? [[String: Any]])
        let update = try #require(changes.first { $0["action"] as? String == "update" })
        #expect(
            Set(update.keys) == [
                "action", "kind", "name", "fields", "diff", "unchanged_attributes", "desired", "actual", "origin",
                "file"
            ])
        let diff = try #require(update["diff"] as? [[String: Any]])
        let version = try #require(diff.first { $0["path"] as? String == "distr_version" })
        #expect(version["after"] as? String == "9.4")
        #expect(version["path_elements"] as? [String] == ["distr_version"])
        #expect((update["desired"] as? [String: Any])?["distr_version"] as? String == "9.4")
    }

    @Test func aChangeWithoutItsRecordIsRejected() {
        let bad =
            #"{"commit_sha":"abc","fingerprint":"f","changes":[{"action":"create","kind":"platform","name":"A"}]}"#
        #expect(throws: DecodingError.self) { try Plan.decode(Data(bad.utf8)) }
    }

    @Test func fingerprintIgnoresOrder() {
        let (ap, ar) = actual(platform("A", repos: ["baseos", "appstream"]))
        #expect(ActualState().fingerprint != ActualState(repositories: ar, platforms: [ap]).fingerprint)
        var shuffled = ap
        shuffled.record.repos.reverse()
        #expect(
            ActualState(repositories: ar, platforms: [ap]).fingerprint
                == ActualState(repositories: ar.reversed(), platforms: [shuffled]).fingerprint)
    }

    @Test func jsonbRoundTripKeepsIntsBoolsAndDoubles() throws {
        // what the Store decodes from JSONB text must equal what the YAML gave
        let text = #"{"a":1,"b":0,"c":true,"d":2.5,"e":3.0,"f":"1"}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)).normalized
        #expect(
            value
                == .object([
                    "a": .int(1), "b": .int(0), "c": .bool(true), "d": .double(2.5),
                    "e": .int(3), "f": .string("1")
                ]))
        #expect(value.compactText == text.replacingOccurrences(of: "3.0", with: "3"))
    }

    @Test func completedReleaseIsKeptAndAPIObjectDeclaredInGitIsTakenOver() throws {
        let release = ReleasePlan(
            name: "r1", platform: "A", referencePlatform: nil, builds: [7], packages: [], location: loc)
        let done = Actual(
            ReleasePlan(name: "r1", platform: "A", referencePlatform: nil, builds: [6], packages: []),
            origin: .git, status: .completed)
        let (ap, ar) = actual(platform("A"), origin: .api)
        let plan = Planner.plan(
            desired: DesiredState(platforms: [platform("A")], releases: [release]),
            actual: ActualState(repositories: ar, platforms: [ap], releases: [done]), commitSHA: "abc")
        let r = try #require(plan.changes.first { $0.kind == .release })
        #expect(r.action == .keep)
        #expect(r.reason == "release is completed; only a scheduled release is changed or deleted")
        #expect(PostgresStateDatabase.write(for: r) == nil)  // a kept release is not written
        let p = try #require(plan.changes.first { $0.kind == .platform })
        #expect(p.action == .update)
        #expect(p.fields == [FieldChange(field: "origin", before: .string("api"), after: .string("git"))])
        #expect(plan.toChange == 2)  // the platform and its one repository row change origin
    }

    @Test func applyWritesTheTypedRecords() throws {
        let p = platform("A")
        let (gone, goneRepos) = actual(platform("Gone"))
        let plan = Planner.plan(
            desired: DesiredState(platforms: [p]),
            actual: ActualState(repositories: goneRepos, platforms: [gone]), commitSHA: "abc")
        let writes = plan.changes.compactMap(PostgresStateDatabase.write(for:))
        #expect(writes.contains(.upsertPlatform(p)))
        #expect(writes.contains(.upsertRepository(p.repos[0])))
        #expect(writes.contains(.deletePlatform(name: "Gone")))
        #expect(writes.contains(.deleteRepository(RepositoryKey(name: "Gone-baseos", arch: "x86_64", debug: false))))
    }
}
