import ArgumentParser
import CommandLineOptions
import Foundation
import Logging
import Server
import Settings
import Store

/// `kiln token ...`: bearer tokens for build nodes and users.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue and revoke bearer tokens (JWT, HS256).",
        subcommands: [TokenCreateCommand.self, TokenRevokeCommand.self])
}

/// The token authority of the startup settings: `KILN_JWT_SECRET` (or `$KILN_HOME/jwt-secret`)
/// signs, `KILN_JWT_PREVIOUS_SECRETS` still verify, `KILN_TOKEN_LIFETIME_*` give the default expiry.
func tokenAuthority(settings: KilnSettings, home: String) async throws -> TokenAuthority {
    let secret: [UInt8]
    do { secret = try JWTSecret.load(configured: settings.jwtSecret, home: home) } catch {
        throw ValidationError("\(error)")
    }
    return try await TokenAuthority(keys: settings.signingKeys(current: secret), lifetimes: settings.tokenLifetimes)
}

/// `kiln token create --node NAME | --sign-node NAME | --user NAME [--email E] [--admin]`: prints a token signed
/// with KILN_JWT_SECRET or `$KILN_HOME/jwt-secret`. A user token creates (or updates) the user row.
struct TokenCreateCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract:
            "Print a token for a build node (--node), a sign node (--sign-node), the test system (--test-system) "
            + "or a user (--user).")

    @Option(help: "Build node name: a token with the node scope.") var node: String?
    @Option(help: "Sign node name: a token with the sign_node scope (the sign-task endpoints).") var signNode: String?
    @Option(help: "Test system name: a token with the test_system scope (ALTS: get_test_tasks, results).")
    var testSystem: String?
    @Option(help: "User name: a token with the user scope (the user row is created).") var user: String?
    @Option(help: "The user's email.") var email: String?
    @Flag(help: "Give the user the admin scope.") var admin = false
    @Option(help: "Days until the token expires (default: the scope's KILN_TOKEN_LIFETIME_*).") var expiresDays: Int?
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        let given = [("--node", node), ("--sign-node", signNode), ("--test-system", testSystem), ("--user", user)]
            .compactMap { flag, value in
                value.map { (flag, $0) }
            }
        guard let (flag, name) = given.first else {
            throw ValidationError("give --node NAME, --sign-node NAME, --test-system NAME or --user NAME")
        }
        if given.count > 1 { throw ValidationError("give only one of --node, --sign-node, --test-system and --user") }
        if name.isEmpty { throw ValidationError("\(flag) must not be empty") }
        if user == nil && (admin || email != nil) { throw ValidationError("--admin and --email go with --user") }
        if let expiresDays, expiresDays <= 0 || expiresDays > 36_500 {
            throw ValidationError("--expires-days must be between 1 and 36500")
        }
    }

    func run(settings: KilnSettings) async throws {
        let authority = try await tokenAuthority(settings: settings, home: database.home(settings))
        let expires = expiresDays.map { Date(timeIntervalSinceNow: Double($0) * 86_400) }
        let claims: KilnClaims
        if let node {
            claims = KilnClaims(sub: node, scope: .node, expires: expires)
        } else if let signNode {
            claims = KilnClaims(sub: signNode, scope: .signNode, expires: expires)
        } else if let testSystem {
            claims = KilnClaims(sub: testSystem, scope: .testSystem, expires: expires)
        } else if let user {
            var logger = Logger(label: "kiln.token")
            logger.logLevel = .warning
            let (mail, isAdmin) = (email ?? "", admin)
            let record = try await database.withClient(settings: settings, logger: logger, migrate: true) { client in
                try await UserStore(client: client).upsert(username: user, email: mail, isSuperuser: isAdmin)
            }
            claims = KilnClaims(sub: user, scope: admin ? .admin : .user, uid: record.id, expires: expires)
        } else {
            return
        }
        let token = try await authority.issue(claims)
        if let facts = try? await authority.revocable(token), let expiry = facts.expiresAt {
            let stamp = ISO8601DateFormatter().string(from: expiry)
            FileHandle.standardError.write(Data("token id \(facts.tokenID), expires \(stamp)\n".utf8))
        }
        print(token)
    }
}

/// `kiln token revoke TOKEN | --jti JTI`: records the token as revoked and notifies every running
/// Kiln (`NOTIFY kiln_revocations`); from then on it answers 401.
struct TokenRevokeCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token (by the token itself, or by its id with --jti).")

    @Argument(help: "The token to revoke (signed by KILN_JWT_SECRET or one of KILN_JWT_PREVIOUS_SECRETS).")
    var token: String?
    @Option(help: "The id (jti) of the token to revoke, as `kiln token create` printed it.") var jti: String?
    @Option(help: "Why (kept in token_revocations).") var reason: String = "kiln token revoke"
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (token == nil) != (jti == nil) else { throw ValidationError("give either TOKEN or --jti JTI") }
        if let jti, jti.isEmpty || jti.count > 200 { throw ValidationError("--jti must be 1 to 200 characters") }
    }

    func run(settings: KilnSettings) async throws {
        var revocation: (tokenID: String, subject: String, expiresAt: Date?)
        if let token {
            let authority = try await tokenAuthority(settings: settings, home: database.home(settings))
            do { revocation = try await authority.revocable(token) } catch {
                throw ValidationError("cannot revoke this token: \(error)")
            }
        } else {
            revocation = (jti ?? "", "", nil)
        }
        var logger = Logger(label: "kiln.token")
        logger.logLevel = .warning
        let (tokenID, subject, expires, why) = (revocation.tokenID, revocation.subject, revocation.expiresAt, reason)
        try await database.withClient(settings: settings, logger: logger, migrate: true) { client in
            try await TokenRevocationStore(client: client, logger: logger).revoke(
                tokenID: tokenID, subject: subject, expiresAt: expires, reason: why)
        }
        print("revoked token \(tokenID)" + (subject.isEmpty ? "" : " of \(subject)"))
    }
}
