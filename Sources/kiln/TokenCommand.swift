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
        abstract: "Issue bearer tokens (JWT, HS256).",
        subcommands: [TokenCreateCommand.self])
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
    @Option(help: "Days until the token expires (default: never).") var expiresDays: Int?
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
        if let expiresDays, expiresDays <= 0 { throw ValidationError("--expires-days must be positive") }
    }

    func run(settings: KilnSettings) async throws {
        let secret: [UInt8]
        do { secret = try JWTSecret.load(configured: settings.jwtSecret, home: database.home(settings)) } catch {
            throw ValidationError("\(error)")
        }
        let authority = try await TokenAuthority(secret: secret)
        let expires = expiresDays.map { Date(timeIntervalSinceNow: Double($0) * 86_400) }
        if let node {
            print(try await authority.issue(KilnClaims(sub: node, scope: .node, expires: expires)))
            return
        }
        if let signNode {
            print(try await authority.issue(KilnClaims(sub: signNode, scope: .signNode, expires: expires)))
            return
        }
        if let testSystem {
            print(try await authority.issue(KilnClaims(sub: testSystem, scope: .testSystem, expires: expires)))
            return
        }
        guard let user else { return }
        var logger = Logger(label: "kiln.token")
        logger.logLevel = .warning
        let (mail, isAdmin) = (email ?? "", admin)
        let record = try await database.withClient(settings: settings, logger: logger, migrate: true) { client in
            try await UserStore(client: client).upsert(username: user, email: mail, isSuperuser: isAdmin)
        }
        print(
            try await authority.issue(
                KilnClaims(sub: user, scope: admin ? .admin : .user, uid: record.id, expires: expires)))
    }
}
