import Foundation
import NIOHTTP1
import Reconciler
import Server
import Spec
import Statuses
import Testing

/// `GET /api/v1/platform_flavors/` serves what an apply of examples/ wrote, publicly, in
/// ALBS's `FlavourResponse` shape; writes to flavors go through git only.
@Suite struct PlatformFlavorRoutesTests {
    @Test func appliedExampleFlavorIsListedPublicly() async throws {
        try await DesiredStateHarness.with { h in
            let empty = try await h.call(.GET, "/api/v1/platform_flavors/")
            #expect(empty.status == 200 && empty.text == "[]", "\(empty.text)")
            let applied = try await h.apply()
            #expect(applied.result == .applied)

            let answer = try await h.call(.GET, "/api/v1/platform_flavors/")
            #expect(answer.status == 200, "\(answer.text)")
            let flavors = try JSONDecoder().decode([FlavorAnswer].self, from: answer.body)
            let beta = try #require(flavors.first)
            #expect(flavors.count == 1)
            #expect(beta.name == "AlmaLinux-9-beta")
            #expect(beta.id > 0 && beta.origin == .git && beta.commitSHA == h.initialSHA)
            #expect(
                beta.modularity?["git_tag_prefix"]
                    == .object(["modified": .string("a9-beta"), "non_modified": .string("c9-beta")]))
            #expect(beta.data?["definitions"] == .object(["distribution": .string("AlmaLinux Beta")]))
            #expect(
                Set(beta.repos.map { "\($0.name)/\($0.arch)/\($0.debug)" }) == [
                    "almalinux-9-beta/x86_64/false", "almalinux-9-beta/aarch64/false",
                    "almalinux-9-beta-debuginfo/x86_64/true", "almalinux-9-beta/src/false"
                ])
            // ALBS FlavourResponse keys, plus origin and commit_sha.
            let keys = Set((answer.array.first ?? [:]).keys)
            #expect(keys == ["id", "name", "repos", "modularity", "data", "origin", "commit_sha"])
        }
    }
}
