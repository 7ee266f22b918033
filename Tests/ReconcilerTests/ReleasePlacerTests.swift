import Artifacts
import Reconciler
import Spec
import Statuses
import Store
import Testing

/// The placement rules of `ReleasePlacer`, pure: reference platform, noarch, multilib, debug,
/// source, explicit placements and skips, and every refusal.
@Suite struct ReleasePlacerTests {
    static func repo(_ name: String, _ arch: String, debug: Bool = false, production: Bool = true) -> Repository {
        Repository(
            name: name, arch: arch, url: "https://r/\(name)/\(arch)/", type: "rpm", debug: debug,
            production: production)
    }

    /// P-9: baseos and appstream for x86_64, i686, aarch64 and src, baseos debuginfo for x86_64.
    static let target = Platform(
        name: "P-9", type: "rpm", distrType: "rhel", distrVersion: "9", testDistName: "almalinux",
        archList: ["x86_64", "i686", "aarch64"], data: [:],
        repos: ["p-9-baseos", "p-9-appstream"].flatMap { name in
            ["x86_64", "i686", "aarch64", "src"].map { repo(name, $0) }
        } + [repo("p-9-baseos-debuginfo", "x86_64", debug: true), repo("p-9-devel", "x86_64", production: false)])

    /// P-8: the reference, baseos and appstream for x86_64 and i686.
    static let reference = Platform(
        name: "P-8", type: "rpm", distrType: "rhel", distrVersion: "8", testDistName: "almalinux",
        archList: ["x86_64", "i686"], data: [:],
        repos: ["p-8-baseos", "p-8-appstream"].flatMap { name in ["x86_64", "i686"].map { repo(name, $0) } })

    static func content(_ name: String, _ arch: String, sha: String = "ref") -> StoreContent {
        StoreContent(
            href: "/ref/\(name)-\(arch)-\(sha)/", fileName: "\(name)-1-1.\(arch).rpm", sha256: sha, name: name,
            epoch: "0", version: "1", release: "1", arch: arch)
    }

    /// The reference ships `libfoo` in baseos (x86_64 and i686: multilib), `tool` in appstream.
    static let referenceContent: [String: [StoreContent]] = [
        "p-8-baseos-x86_64": [content("libfoo", "x86_64"), content("libfoo", "i686")],
        "p-8-baseos-i686": [content("libfoo", "i686")],
        "p-8-appstream-x86_64": [content("tool", "x86_64"), content("tool-doc", "noarch")]
    ]

    static func candidate(
        _ name: String, _ arch: String, build: Int64 = 1, signed: Bool = true, key: String? = "k9",
        sha: String? = nil, version: String = "2"
    ) -> ReleaseCandidate {
        let id = Int64(name.hashValue & 0xffff) + Int64(arch.count)
        return ReleaseCandidate(
            artifactID: id, buildID: build, fileName: "\(name)-\(version)-1.\(arch).rpm", name: name, epoch: "0",
            version: version, release: "1", arch: arch, href: "/c/\(name)-\(arch)-\(build)/",
            sha256: sha ?? "sha-\(name)-\(arch)", signed: signed, signKey: signed ? key : nil)
    }

    static func input(
        _ candidates: [ReleaseCandidate], packages: [ReleasePackage] = [], builds: [Int] = [1],
        existing: [Int]? = nil, contents: [String: [StoreContent]] = referenceContent, requiresTests: Bool = false,
        tests: [Int64: TestOutcomeName] = [1: .passed], state: ReleaseState = .committed, row: ReleaseRow? = nil
    ) -> ReleasePlacer.Input {
        var platform = target
        platform.releaseRequiresTests = requiresTests
        return ReleasePlacer.Input(
            release: ReleasePlan(
                name: "r", platform: "P-9", referencePlatform: "P-8", builds: builds, packages: packages,
                state: state),
            platform: platform, reference: reference,
            facts: ReleaseBuildFacts(
                candidates: candidates, existing: Set((existing ?? builds).map(Int64.init)), tests: tests,
                platformKeys: ["P-9": ["k9"]]),
            contents: contents, row: row, journal: [])
    }

    static func placed(_ p: ReleasePlacement) -> [String: Set<String>] {
        Dictionary(
            p.repositories.map { ($0.storeRepository, Set($0.packages.map(\.nevra))) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func placesByReferenceNoarchMultilibDebugAndSource() {
        let p = ReleasePlacer.place(
            Self.input([
                Self.candidate("libfoo", "x86_64"), Self.candidate("libfoo", "i686"),
                Self.candidate("libfoo", "aarch64"), Self.candidate("tool", "x86_64"),
                Self.candidate("tool-doc", "noarch"), Self.candidate("libfoo-debuginfo", "x86_64"),
                Self.candidate("libfoo", "src")
            ]))
        #expect(p.refusals.isEmpty, "\(p.refusals)")
        #expect(p.operation == .commit)
        let placed = Self.placed(p)
        #expect(
            placed["p-9-baseos-x86_64"] == ["libfoo-2-1.x86_64", "libfoo-2-1.i686"], "multilib: i686 into x86_64 too")
        #expect(placed["p-9-baseos-i686"] == ["libfoo-2-1.i686"])
        #expect(placed["p-9-baseos-aarch64"] == ["libfoo-2-1.aarch64"])
        #expect(placed["p-9-appstream-x86_64"] == ["tool-2-1.x86_64", "tool-doc-2-1.noarch"])
        #expect(placed["p-9-appstream-i686"] == ["tool-doc-2-1.noarch"], "noarch into every arch of its class")
        #expect(placed["p-9-appstream-aarch64"] == ["tool-doc-2-1.noarch"])
        #expect(placed["p-9-appstream-src"] == nil, "noarch never goes into a source repository")
        #expect(placed["p-9-baseos-debuginfo-x86_64-debug"] == ["libfoo-debuginfo-2-1.x86_64"])
        #expect(placed["p-9-baseos-src"] == ["libfoo-2-1.src"])
        #expect(placed.keys.allSatisfy { !$0.contains("devel") }, "only production repositories")
        let reasons = Dictionary(
            p.repositories.flatMap { r in r.packages.map { ("\(r.storeRepository)/\($0.nevra)", $0.reason) } },
            uniquingKeysWith: { a, _ in a })
        #expect(reasons["p-9-baseos-x86_64/libfoo-2-1.i686"] == "multilib")
        #expect(reasons["p-9-baseos-x86_64/libfoo-2-1.x86_64"] == "reference")
        #expect(reasons["p-9-baseos-src/libfoo-2-1.src"] == "source")
        #expect(reasons["p-9-baseos-debuginfo-x86_64-debug/libfoo-debuginfo-2-1.x86_64"] == "debug")
    }

    @Test func explicitPlacementOverridesTheReferenceAndSkipSkips() {
        let p = ReleasePlacer.place(
            Self.input(
                [
                    Self.candidate("libfoo", "x86_64"), Self.candidate("tool-doc", "noarch"),
                    Self.candidate("new", "x86_64")
                ],
                packages: [
                    ReleasePackage(name: "libfoo", arch: "x86_64", repositories: ["p-9-appstream"]),
                    ReleasePackage(name: "tool-doc", arch: "noarch", repositories: [], skip: true),
                    ReleasePackage(name: "new", arch: "x86_64", repositories: ["p-9-baseos"])
                ]))
        #expect(p.refusals.isEmpty, "\(p.refusals)")
        let placed = Self.placed(p)
        #expect(placed["p-9-appstream-x86_64"] == ["libfoo-2-1.x86_64"])
        #expect(placed["p-9-baseos-x86_64"] == ["new-2-1.x86_64"], "a new package goes where it is placed")
        #expect(p.skipped.map(\.nevra) == ["tool-doc-2-1.noarch"])
        #expect(p.repositories.flatMap(\.packages).allSatisfy { $0.reason == "explicit" })
    }

    @Test func refusesWithTheReason() {
        var conflict = Self.content("libfoo", "x86_64", sha: "other")
        conflict.version = "2"
        let p = ReleasePlacer.place(
            Self.input(
                [
                    Self.candidate("libfoo", "x86_64"), Self.candidate("tool", "x86_64", signed: false),
                    Self.candidate("tool-doc", "noarch", key: "stranger"), Self.candidate("unknown", "x86_64"),
                    Self.candidate("twice", "x86_64", build: 1, sha: "a"),
                    Self.candidate("twice", "x86_64", build: 2, sha: "b")
                ], builds: [1, 2, 3], existing: [1, 2],
                contents: Self.referenceContent.merging(
                    ["p-9-baseos-x86_64": [conflict]], uniquingKeysWith: { _, b in b }),
                tests: [1: .passed, 2: .passed]))
        let reasons = Dictionary(
            p.refusals.map { ($0.nevra ?? "build \($0.buildID ?? 0)", $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(
            reasons["libfoo-2-1.x86_64"]?.hasPrefix("conflict: p-9-baseos-x86_64 already holds") == true, "\(reasons)")
        #expect(reasons["tool-2-1.x86_64"]?.hasPrefix("unsigned") == true)
        #expect(reasons["tool-doc-2-1.noarch"]?.hasPrefix("unverified: signed with key \"stranger\"") == true)
        #expect(reasons["unknown-2-1.x86_64"]?.hasPrefix("no known target") == true)
        #expect(reasons["twice-2-1.x86_64"]?.hasPrefix("built more than once with different content") == true)
        #expect(reasons["build 3"] == "build 3 does not exist")
        #expect(p.repositories.isEmpty, "nothing refused is placed: \(p.repositories)")
    }

    @Test func testsGateOnlyWhereThePlatformRequiresThem() {
        let candidates = [Self.candidate("libfoo", "x86_64")]
        for (outcome, prefix) in [
            (TestOutcomeName.failed, "tests failed"), (.pending, "tests not finished"), (.none, "not tested")
        ] {
            let refused = ReleasePlacer.place(Self.input(candidates, requiresTests: true, tests: [1: outcome]))
            #expect(refused.refusals.map(\.reason).first?.hasPrefix(prefix) == true, "\(outcome): \(refused.refusals)")
            let free = ReleasePlacer.place(Self.input(candidates, requiresTests: false, tests: [1: outcome]))
            #expect(free.refusals.isEmpty)
        }
        let passed = ReleasePlacer.place(Self.input(candidates, requiresTests: true, tests: [1: .passed]))
        #expect(passed.refusals.isEmpty && passed.packageCount == 1)
    }

    @Test func samePackageAlreadyThereIsNotAConflict() {
        var same = Self.content("libfoo", "x86_64", sha: "sha-libfoo-x86_64")
        same.version = "2"
        same.href = "/c/libfoo-x86_64-1/"
        let p = ReleasePlacer.place(
            Self.input(
                [Self.candidate("libfoo", "x86_64")],
                contents: Self.referenceContent.merging(["p-9-baseos-x86_64": [same]], uniquingKeysWith: { _, b in b }))
        )
        #expect(p.refusals.isEmpty)
        #expect(p.repositories.first?.packages.first?.alreadyPresent == true)
        #expect(p.newCount == 0)
    }

    @Test func operationFollowsStateAndStatus() {
        func op(
            _ s: ReleaseState, _ status: ReleaseStatus?, _ operation: ReleaseOperationName? = nil
        ) -> ReleaseOperation {
            ReleasePlacer.operation(
                state: s, row: status.map { ReleaseRow(id: 1, name: "r", status: $0, operation: operation) })
        }
        #expect(op(.planned, nil) == ReleaseOperation.none)
        #expect(op(.committed, nil) == .commit)
        #expect(op(.committed, .scheduled) == .commit)
        #expect(op(.committed, .completed) == ReleaseOperation.none)
        #expect(op(.committed, .inProgress, .commit) == .resumeCommit)
        #expect(op(.reverted, .completed) == .revert)
        #expect(op(.reverted, .inProgress, .commit) == .revert)
        #expect(op(.reverted, .inProgress, .revert) == .resumeRevert)
        #expect(op(.reverted, .reverted) == ReleaseOperation.none)
        #expect(op(.reverted, .scheduled) == ReleaseOperation.none)
        #expect(op(.committed, .reverted) == .commit)
    }

    @Test func repositoryClassDropsPlatformPrefixAndDebugSuffix() {
        #expect(ReleasePlacer.repositoryClass("almalinux-9-baseos", platform: "AlmaLinux-9") == "baseos")
        #expect(ReleasePlacer.repositoryClass("almalinux-9-baseos-debuginfo", platform: "AlmaLinux-9") == "baseos")
        #expect(ReleasePlacer.repositoryClass("almalinux-8-appstream", platform: "AlmaLinux-8") == "appstream")
        #expect(ReleasePlacer.repositoryClass("BaseOS", platform: "AlmaLinux-9") == "baseos")
    }

    @Test func distributionPlacesByArchAndRefusesAsAReleaseWould() {
        func c(_ name: String, _ arch: String, signed: Bool = true) -> ReleaseCandidate {
            var x = Self.candidate(name, arch, signed: signed)
            x.platform = "P-9"
            return x
        }
        let facts = ReleaseBuildFacts(
            candidates: [
                c("libfoo", "x86_64"), c("libfoo-doc", "noarch"), c("libfoo-debuginfo", "x86_64"), c("libfoo", "src"),
                c("libfoo", "s390x"), c("libbar", "i686", signed: false)
            ], existing: [1], tests: [1: .passed], platformKeys: ["P-9": ["k9"]])
        let d = Distribution(name: "d", platforms: ["P-9"], builds: [1])
        let change = DistributionPlacer.add(
            d, buildID: 1, platforms: ["P-9": Self.target], facts: facts, contents: [:])
        let placed = Self.placed(
            ReleasePlacement(
                release: "", platform: "", referencePlatform: nil, state: "", operation: .none,
                repositories: change.repositories))
        #expect(placed["dist-d-p-9-x86_64"] == ["libfoo-2-1.x86_64", "libfoo-doc-2-1.noarch"])
        #expect(placed["dist-d-p-9-i686"] == ["libfoo-doc-2-1.noarch"])
        #expect(placed["dist-d-p-9-aarch64"] == ["libfoo-doc-2-1.noarch"])
        #expect(placed["dist-d-p-9-x86_64-debug"] == ["libfoo-debuginfo-2-1.x86_64"])
        #expect(placed["dist-d-p-9-src"] == ["libfoo-2-1.src"])
        let reasons = Dictionary(change.refusals.map { ($0.nevra ?? "", $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(reasons["libfoo-2-1.s390x"] == "no target: platform P-9 has no arch s390x")
        #expect(reasons["libbar-2-1.i686"]?.hasPrefix("unsigned") == true)
        let missing = DistributionPlacer.add(
            d, buildID: 2, platforms: ["P-9": Self.target], facts: facts, contents: [:])
        #expect(missing.refusals.map(\.reason) == ["build 2 does not exist"])
    }

    @Test func aReadOnlyProductionRepositoryIsNeverReleasedInto() {
        var input = Self.input([Self.candidate("libfoo", "x86_64")])
        input.platform.repos = input.platform.repos.map { r in
            var r = r
            if r.name == "p-9-baseos" {
                r.sync = RepositorySync(intervalSeconds: 3600, policy: .onDemand, readOnly: true)
            }
            return r
        }
        let p = ReleasePlacer.place(input)
        #expect(p.repositories.isEmpty, "\(p.repositories)")
        #expect(p.refusals.first?.reason.hasPrefix("no known target") == true, "\(p.refusals)")
    }
}
