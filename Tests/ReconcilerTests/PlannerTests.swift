import Foundation
import Reconciler
import Spec
import XCTest

final class PlannerTests: XCTestCase {
    let loc = SourceLocation(file: "platforms/p.yml", line: 1, column: 1)

    func platform(_ name: String, version: String = "9", repos: [String] = ["baseos"]) -> Platform {
        Platform(name: name, type: "rpm", distrType: "rhel", distrVersion: version, testDistName: "almalinux",
                 archList: ["x86_64"], data: ["mock": .object(["n": .int(1)])],
                 repos: repos.map { PlatformRepo(name: "\(name)-\($0)", arch: "x86_64", url: "https://r/\($0)/",
                                                 type: "rpm", debug: false, production: false, location: loc) },
                 location: loc)
    }

    func actual(_ p: Platform, origin: String = "git", usedBy: [String] = []) -> (ActualPlatform, [ActualRepository]) {
        let repos = p.repos.map { ActualRepository(key: RepositoryKey(name: $0.name, arch: $0.arch, debug: $0.debug),
                                                   url: $0.url, type: $0.type, production: $0.production, origin: origin) }
        return (ActualPlatform(name: p.name, type: p.type, distrType: p.distrType, distrVersion: p.distrVersion,
                               testDistName: p.testDistName, archList: p.archList,
                               data: .object(["mock": .object(["n": .double(1.0)])]),
                               repositories: repos.map(\.key), origin: origin, usedBy: usedBy), repos)
    }

    func testEmptyActualPlansEveryObject() {
        let desired = DesiredState(platforms: [platform("A"), platform("B")],
                                   distributions: [Distribution(name: "D", platforms: ["A"], location: loc)])
        let plan = Planner.plan(desired: desired, actual: ActualState(), commitSHA: "abc")
        XCTAssertEqual(plan.toAdd, 5) // 2 platforms, 2 repositories, 1 distribution
        XCTAssertEqual(plan.toChange, 0)
        XCTAssertEqual(plan.toDestroy, 0)
        // repositories before the platforms that use them, platforms before distributions
        let kinds = plan.changes.map(\.kind)
        XCTAssertEqual(kinds, [.repository, .repository, .platform, .platform, .distribution])
        let text = plan.renderText()
        XCTAssertTrue(text.contains("+ platform \"A\" {"), text)
        XCTAssertTrue(text.contains("+ distr_version"), text)
        XCTAssertTrue(text.hasSuffix("Plan: 5 to add, 0 to change, 0 to destroy.\n"), text)
    }

    func testConvergedPlanHasNoChangesAndIntegralDoublesMatch() {
        let p = platform("A")
        let (ap, ar) = actual(p)
        let plan = Planner.plan(desired: DesiredState(platforms: [p]),
                                actual: ActualState(repositories: ar, platforms: [ap]), commitSHA: "abc")
        XCTAssertFalse(plan.hasChanges, plan.renderText())
        XCTAssertTrue(plan.renderText().contains("No changes."))
    }

    func testOneFieldChangeIsExactlyThatChange() throws {
        let (ap, ar) = actual(platform("A", version: "9.4"))
        let plan = Planner.plan(desired: DesiredState(platforms: [platform("A", version: "9.5")]),
                                actual: ActualState(repositories: ar, platforms: [ap]), commitSHA: "abc")
        XCTAssertEqual(plan.changes.count, 1)
        let c = try XCTUnwrap(plan.changes.first)
        XCTAssertEqual(c.action, .update)
        XCTAssertEqual(c.fields, [FieldChange(field: "distr_version", before: .string("9.4"), after: .string("9.5"))])
        XCTAssertTrue(plan.renderText().contains("~ distr_version = \"9.4\" -> \"9.5\""), plan.renderText())
        XCTAssertTrue(plan.renderText().contains("Plan: 0 to add, 1 to change, 0 to destroy."))
    }

    func testDeletedPlatformIsPrunedUnlessUsed() {
        let (ap, ar) = actual(platform("A"))
        let pruned = Planner.plan(desired: DesiredState(), actual: ActualState(repositories: ar, platforms: [ap]),
                                  commitSHA: "abc")
        XCTAssertEqual(pruned.toDestroy, 2)
        XCTAssertEqual(pruned.changes.map(\.kind), [.platform, .repository]) // deletions: platform first

        let (used, usedRepos) = actual(platform("A"), usedBy: ["used by 1 build task(s)"])
        let kept = Planner.plan(desired: DesiredState(), actual: ActualState(repositories: usedRepos, platforms: [used]),
                                commitSHA: "abc")
        XCTAssertEqual(kept.toDestroy, 0)
        XCTAssertFalse(kept.hasChanges)
        let platform = kept.changes.first { $0.kind == .platform }
        XCTAssertEqual(platform?.action, .keep)
        XCTAssertEqual(platform?.reason, "not deleted: used by 1 build task(s)")
        XCTAssertTrue(kept.changes.contains { $0.kind == .repository && $0.action == .keep })
        XCTAssertTrue(kept.renderText().contains("used by 1 build task(s)"))
    }

    func testAPIOriginObjectsAreShownAndNotPruned() {
        let (ap, ar) = actual(platform("A"), origin: "api")
        let plan = Planner.plan(desired: DesiredState(), actual: ActualState(repositories: ar, platforms: [ap]),
                                commitSHA: "abc")
        XCTAssertFalse(plan.hasChanges)
        XCTAssertTrue(plan.changes.allSatisfy { $0.action == .keep && $0.origin == "api" })
        XCTAssertTrue(plan.renderText().contains("(origin api)"))
    }

    func testStoreSideCreatesAndRepairsDrift() {
        let p = platform("A")
        let (ap, ar) = actual(p)
        let spec = StoreNaming.spec(for: ar[0].key, url: ar[0].url, type: "rpm", production: false)
        XCTAssertEqual(spec?.remoteURL, "https://r/baseos/")
        let missing = Planner.plan(desired: DesiredState(platforms: [p]),
                                   actual: ActualState(repositories: ar, platforms: [ap], storeRepositories: []),
                                   commitSHA: "abc")
        XCTAssertEqual(missing.changes.map(\.action), [.create])
        XCTAssertEqual(missing.changes.first?.name, "A-baseos-x86_64")
        let drifted = ActualStoreRepository(name: "A-baseos-x86_64", fields: [
            "kind": "rpm", "remote_url": "https://elsewhere/", "base_path": "kiln/A-baseos/x86_64",
            "labels": "kiln-source=desired-state,managed-by=kiln"])
        let repair = Planner.plan(desired: DesiredState(platforms: [p]),
                                  actual: ActualState(repositories: ar, platforms: [ap], storeRepositories: [drifted]),
                                  commitSHA: "abc")
        XCTAssertEqual(repair.changes.map(\.action), [.update])
        XCTAssertEqual(repair.changes.first?.fields.map(\.field), ["remote_url"])
    }

    func testJSONRoundTripAndFingerprint() throws {
        let plan = Planner.plan(desired: DesiredState(platforms: [platform("A")]), actual: ActualState(), commitSHA: "abc")
        let data = try plan.jsonData()
        XCTAssertEqual(try Plan.decode(data), plan)
        XCTAssertEqual(try plan.jsonData(), data) // stable bytes
        let (ap, ar) = actual(platform("A"))
        XCTAssertNotEqual(ActualState().fingerprint, ActualState(repositories: ar, platforms: [ap]).fingerprint)
        XCTAssertEqual(ActualState(repositories: ar, platforms: [ap]).fingerprint,
                       ActualState(repositories: ar.reversed(), platforms: [ap]).fingerprint)
    }

    func testJSONBRoundTripKeepsIntsBoolsAndDoubles() throws {
        // what PostgresStateDatabase decodes from JSONB text must equal what the YAML gave
        let text = #"{"a":1,"b":0,"c":true,"d":2.5,"e":3.0,"f":"1"}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)).normalized
        XCTAssertEqual(value, .object(["a": .int(1), "b": .int(0), "c": .bool(true), "d": .double(2.5),
                                       "e": .int(3), "f": .string("1")]))
        XCTAssertEqual(value.compactText, text.replacingOccurrences(of: "3.0", with: "3"))
    }

    func testCompletedReleaseIsKeptAndAPIObjectDeclaredInGitIsTakenOver() throws {
        let release = ReleasePlan(name: "r1", platform: "A", referencePlatform: nil, builds: [7], packages: [], location: loc)
        let done = ActualRelease(name: "r1", platform: "A", referencePlatform: nil,
                                 plan: .object(["builds": .array([.int(6)]), "packages": .array([])]), status: 3, origin: "git")
        let (ap, ar) = actual(platform("A"), origin: "api")
        let plan = Planner.plan(desired: DesiredState(platforms: [platform("A")], releases: [release]),
                                actual: ActualState(repositories: ar, platforms: [ap], releases: [done]), commitSHA: "abc")
        let r = try XCTUnwrap(plan.changes.first { $0.kind == .release })
        XCTAssertEqual(r.action, .keep)
        XCTAssertEqual(r.reason, "release is completed; only a scheduled release is changed or deleted")
        let p = try XCTUnwrap(plan.changes.first { $0.kind == .platform })
        XCTAssertEqual(p.action, .update)
        XCTAssertEqual(p.fields, [FieldChange(field: "origin", before: .string("api"), after: .string("git"))])
        XCTAssertEqual(plan.toChange, 2) // the platform and its one repository row change origin
    }
}
