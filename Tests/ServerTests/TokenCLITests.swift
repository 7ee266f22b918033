import Foundation
import KilnTestSupport
import Processes
import Server
import Store
import Testing

/// `kiln token create` gives every token an id and the scope's default expiry; `kiln token
/// revoke` (by token, also one signed with a previous secret, or by `--jti`) records it in
/// `token_revocations`.
@Suite struct TokenCLITests {
    static let kiln = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/kiln").path
    static let oldSecret = "cli-old-secret-0123456789-abcdefghijklmn"
    static let newSecret = "cli-new-secret-0123456789-abcdefghijklmn"

    static func run(_ arguments: [String], _ environment: [String: String]) throws -> ProcessResult {
        try ProcessRunner.runSync(
            kiln, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            combineErrors: false)
    }

    @Test func createExpiresByDefaultAndRevokeRecordsTheToken() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.kiln), "build kiln first: \(Self.kiln)")
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-token-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try await TestDatabase.with { client, url in
            let old = ["KILN_HOME": home.path, "KILN_JWT_SECRET": Self.oldSecret, "KILN_TOKEN_LIFETIME_NODE": "2h"]
            let created = try Self.run(["token", "create", "--node", "n1"], old)
            #expect(created.status == 0, "\(created.errors)")
            let token = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let claims = try TokenLifecycleTests.payload(token)
            let exp = try #require(claims["exp"] as? Double)
            #expect(abs(exp - Date().timeIntervalSince1970 - 7200) < 60)
            let jti = try #require(claims["jti"] as? String)
            #expect(created.errors.contains(jti))

            // Rotated: the old secret is a previous one; the token still verifies and can be revoked.
            let rotated = [
                "KILN_HOME": home.path, "KILN_JWT_SECRET": Self.newSecret, "KILN_JWT_PREVIOUS_SECRETS": Self.oldSecret
            ]
            let revoked = try Self.run(["token", "revoke", token, "--database-url", url], rotated)
            #expect(revoked.status == 0, "\(revoked.errors)")
            #expect(revoked.output.contains(jti))
            let store = TokenRevocationStore(client: client)
            #expect(try await store.isRevoked(tokenID: jti))
            let byID = try Self.run(["token", "revoke", "--jti", "some-jti", "--database-url", url], rotated)
            #expect(byID.status == 0, "\(byID.errors)")
            #expect(try await store.isRevoked(tokenID: "some-jti"))

            // Without the old secret the token is unknown: refused, nothing written.
            let fresh = ["KILN_HOME": home.path, "KILN_JWT_SECRET": Self.newSecret]
            let other = try Self.run(["token", "create", "--node", "n2", "--expires-days", "3"], old)
            let otherToken = other.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let refused = try Self.run(["token", "revoke", otherToken, "--database-url", url], fresh)
            #expect(refused.status == 64)
            #expect(refused.errors.contains("not signed by a configured key"))
            #expect(try await TokenRevocationStore(client: client).snapshot().tokenIDs.count == 2)
            let otherExp = try #require(try TokenLifecycleTests.payload(otherToken)["exp"] as? Double)
            #expect(abs(otherExp - Date().timeIntervalSince1970 - 3 * 86_400) < 60)
        }
    }
}
