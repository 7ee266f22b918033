import Foundation
import XCTest

@testable import Spec

final class ExamplesTests: XCTestCase {
    func testEveryExampleLoadsWithoutDiagnostics() throws {
        let files = try readTree(examplesURL)
        XCTAssertTrue(files.contains { $0.path == "README.md" }, "examples/ not found at \(examplesURL.path)")
        let result = SpecLoader.load(files)
        XCTAssertEqual(lines(result), [])
        XCTAssertEqual(result.fileCount, 8)  // README.md and the .asc key file are not spec files
        XCTAssertEqual(
            result.counts,
            SpecCounts(
                platforms: 2, distributions: 1, repositories: 1,
                signKeys: 1, releases: 1, flavors: 1, teams: 1))
        XCTAssertEqual(result.state.platforms.map(\.name), ["AlmaLinux-8", "AlmaLinux-9"])
        XCTAssertEqual(result.state.flavors.map(\.name), ["AlmaLinux-9-beta"])
        XCTAssertEqual(result.state.teams.map(\.name), ["almalinux-core"])
        XCTAssertEqual(
            result.state.teams.first?.members.map(\.login), ["almalinux-lead", "almalinux-packager", "almalinux-signer"]
        )
        XCTAssertEqual(result.state.teams.first?.members.first?.roles, [.manager, .contributor])
        XCTAssertEqual(result.state.flavors.first?.repos.count, 4)
        XCTAssertEqual(result.state.signKeys.map(\.keyid), ["D36CB86CB86B3716"])
        XCTAssertEqual(result.state.signKeys.first?.platforms, ["AlmaLinux-9"])
        XCTAssertEqual(
            try OpenPGPPublicKey(armored: result.state.signKeys.first?.publicKey ?? "").primary.fingerprint,
            "BF18AC2876178908D6E71267D36CB86CB86B3716")
    }

    func testExamplePlatformIsRealistic() throws {
        let result = SpecLoader.load(try readTree(examplesURL))
        let alma9 = try XCTUnwrap(result.state.platforms.first { $0.name == "AlmaLinux-9" })
        XCTAssertEqual(alma9.archList, ["x86_64", "aarch64", "ppc64le", "s390x", "i686"])
        XCTAssertEqual(alma9.location, SourceLocation(file: "platforms/almalinux-9.yml", line: 2, column: 1))
        let names = Set(alma9.repos.map(\.name))
        XCTAssertTrue(
            names.isSuperset(of: [
                "almalinux-9-baseos", "almalinux-9-appstream", "almalinux-9-crb",
                "almalinux-9-devel", "almalinux-9-baseos-debuginfo"
            ]))
        let baseos = try XCTUnwrap(alma9.repos.first { $0.name == "almalinux-9-baseos" && $0.arch == "x86_64" })
        XCTAssertEqual(baseos.url, "https://repo.almalinux.org/almalinux/9/BaseOS/x86_64/os/")
        XCTAssertTrue(baseos.production)
        XCTAssertFalse(baseos.debug)
        XCTAssertTrue(alma9.repos.contains { $0.debug && $0.arch == "aarch64" })
        XCTAssertEqual(alma9.data["mock_dist"], .string("el9"))
        XCTAssertEqual(alma9.data["timeout"], .int(43200))
        guard case .object(let mock)? = alma9.data["mock"] else { return XCTFail("mock is not a mapping") }
        XCTAssertEqual(mock["use_bootstrap_container"], .bool(false))
        XCTAssertEqual(mock["releasever"], .string("9"))
        let alma8 = try XCTUnwrap(result.state.platforms.first { $0.name == "AlmaLinux-8" })
        XCTAssertTrue(alma8.repos.contains { $0.name == "almalinux-8-powertools" })
    }
}
