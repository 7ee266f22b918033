import XCTest

@testable import Spec

/// A large generated set loads cleanly (correctness only; timing is `kiln bench validate`).
final class GeneratedSetTests: XCTestCase {
    func testThousandPlatformsLoadWithoutDiagnostics() {
        var files: [SpecFile] = []
        for i in 0..<1000 {
            files.append(SpecFile(path: "platforms/p-\(i).yml", contents: Array(platformYAML("P-\(i)").utf8)))
        }
        let names = (0..<1000).map { "P-\($0)" }
        let dist = "name: all\nplatforms:\n" + names.map { "  - \($0)\n" }.joined()
        files.append(SpecFile(path: "distributions/all.yml", contents: Array(dist.utf8)))
        let result = SpecLoader.load(files)
        XCTAssertEqual(lines(result), [])
        XCTAssertEqual(result.counts.platforms, 1000)
        XCTAssertEqual(result.state.platforms.map(\.name), names.sorted())
        XCTAssertEqual(result.state.platforms.first?.repos.count, 5)
    }
}
