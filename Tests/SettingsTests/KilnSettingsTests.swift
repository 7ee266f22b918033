import Artifacts
import Foundation
import Server
import Store
import Testing

@testable import Settings

@Suite struct KilnSettingsTests {
    @Test func defaults() throws {
        let settings = try KilnSettings(environment: [:])
        #expect(settings == KilnSettings.defaults)
        #expect(settings.home == "./.kiln")
        #expect(settings.home == KilnSettings.defaultHome)
        #expect(settings.database == nil)
        #expect(settings.pulpURL == nil)
        #expect(settings.pulpUser == "admin")
        #expect(settings.pulpPassword == "")
        #expect(settings.jwtSecret == nil)
        #expect(settings.nodeTimeout == .seconds(90))
        #expect(settings.maxTaskAttempts == 3)
        #expect(settings.buildRepositoryPrefix == "kiln-build")
        #expect(settings.reconcileInterval == .seconds(60))
        #expect(settings.webhookSecret == nil)
        #expect(settings.pulpVirtualenv == "/tmp/pulp-venv")
        #expect(settings.pulpSettingsFile == "/tmp/pulp-local/etc/settings.py")
        #expect(settings.server == ServerSettings())
        #expect(settings.webhooks == WebhookSettings())
        #expect(settings.artifactStore(home: settings.home) == .local(home: "./.kiln"))
    }

    /// An empty value counts as unset, for every variable alike.
    @Test func emptyValuesAreUnset() throws {
        let environment = Dictionary(uniqueKeysWithValues: KilnSettings.variables.map { ($0.name, "") })
        #expect(try KilnSettings(environment: environment) == KilnSettings.defaults)
    }

    /// Every listed variable is read: its example value changes the settings.
    @Test(arguments: KilnSettings.variables.map(\.name))
    func everyVariableIsRead(_ name: String) throws {
        let variable = try #require(KilnSettings.variables.first { $0.name == name })
        #expect(variable.accepts(variable.example))
        #expect(try KilnSettings(environment: [name: variable.example]) != KilnSettings.defaults)
    }

    @Test func valuesParsed() throws {
        let settings = try KilnSettings(environment: [
            "KILN_HOME": "/srv/kiln",
            "KILN_DATABASE_URL": "postgres://kiln:pw@db:5433/kiln?sslmode=require",
            "KILN_PULP_URL": "https://pulp.example.org",
            "KILN_PULP_USER": "kiln",
            "KILN_PULP_PASSWORD": "pw",
            "KILN_JWT_SECRET": String(repeating: "s", count: 40),
            "KILN_NODE_TIMEOUT": "2m",
            "KILN_MAX_TASK_ATTEMPTS": "5",
            "KILN_BUILD_REPOSITORY_PREFIX": "kiln-staging",
            "KILN_RECONCILE_INTERVAL": "250ms",
            "KILN_WEBHOOK_SECRET": "hook",
            "PULP_VENV": "/opt/venv",
            "PULP_SETTINGS": "/etc/pulp/settings.py"
        ])
        #expect(settings.home == "/srv/kiln")
        #expect(
            settings.database
                == DatabaseConfig(
                    host: "db", port: 5433, username: "kiln", password: "pw",
                    database: "kiln", tls: .require))
        #expect(
            settings.artifactStore(home: "/ignored")
                == .pulp(url: "https://pulp.example.org", username: "kiln", password: "pw"))
        #expect(settings.jwtSecret == Array(String(repeating: "s", count: 40).utf8))
        #expect(
            settings.server
                == ServerSettings(
                    nodeTimeout: .seconds(120), maxTaskAttempts: 5,
                    buildRepositoryPrefix: "kiln-staging"))
        #expect(settings.reconcileInterval == .milliseconds(250))
        #expect(settings.webhooks == WebhookSettings(secret: Array("hook".utf8)))
        #expect(settings.pulpVirtualenv == "/opt/venv")
        #expect(settings.pulpSettingsFile == "/etc/pulp/settings.py")
    }

    @Test(arguments: [
        ("30", Duration.seconds(30)), ("2.5", .milliseconds(2500)), ("250ms", .milliseconds(250)),
        ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3600))
    ])
    func durations(_ raw: String, _ expected: Duration) throws {
        #expect(try KilnSettings(environment: ["KILN_RECONCILE_INTERVAL": raw]).reconcileInterval == expected)
        #expect(try KilnSettings(environment: ["KILN_NODE_TIMEOUT": raw]).nodeTimeout == expected)
    }

    /// Invalid values stop the read with the variable and the value in the message.
    @Test(arguments: [
        ("KILN_RECONCILE_INTERVAL", "nope"), ("KILN_RECONCILE_INTERVAL", "0"), ("KILN_RECONCILE_INTERVAL", "-5m"),
        ("KILN_RECONCILE_INTERVAL", "5 m"), ("KILN_RECONCILE_INTERVAL", "inf"),
        ("KILN_NODE_TIMEOUT", "-3"), ("KILN_NODE_TIMEOUT", "nope"), ("KILN_NODE_TIMEOUT", "1e300"),
        ("KILN_MAX_TASK_ATTEMPTS", "0"), ("KILN_MAX_TASK_ATTEMPTS", "three"), ("KILN_MAX_TASK_ATTEMPTS", "2.5"),
        ("KILN_DATABASE_URL", "mysql://kiln@db/kiln"), ("KILN_DATABASE_URL", "postgres://db/kiln"),
        ("KILN_DATABASE_URL", "not a url"), ("KILN_PULP_URL", "pulp:24817"), ("KILN_PULP_URL", "ftp://pulp"),
        ("KILN_BUILD_REPOSITORY_PREFIX", "a/b"), ("KILN_BUILD_REPOSITORY_PREFIX", ".hidden")
    ])
    func invalidValueNamesVariableAndValue(_ name: String, _ value: String) {
        let error = #expect(throws: SettingsError.self) { try KilnSettings(environment: [name: value]) }
        #expect(error?.variable == name)
        #expect(error?.value == value)
        #expect(error?.description.hasPrefix("\(name)='\(value)' is invalid: ") == true, "\(String(describing: error))")
        #expect(error?.description.contains("\n") == false)
    }

    /// A secret's value is never printed; a database URL's password is masked.
    @Test func secretsAreNotShown() {
        let secret = #expect(throws: SettingsError.self) {
            try KilnSettings(environment: ["KILN_JWT_SECRET": "too-short-secret"])
        }
        #expect(secret?.variable == "KILN_JWT_SECRET")
        #expect(secret?.value == nil)
        #expect(secret?.description.contains("too-short-secret") == false)
        #expect(secret?.description.contains("at least \(JWTSecret.minimumLength) bytes") == true)

        let url = #expect(throws: SettingsError.self) {
            try KilnSettings(environment: ["KILN_DATABASE_URL": "postgres://kiln:hunter2@db/kiln?sslmode=bogus"])
        }
        #expect(url?.variable == "KILN_DATABASE_URL")
        #expect(url?.description.contains("hunter2") == false)
        #expect(url?.description.contains("***") == true)
        #expect(url?.description.contains("sslmode") == true)
    }

    /// The documented defaults are the defaults: each literal one parses to the default value.
    @Test func documentedDefaultsMatchTheValues() throws {
        func literal(_ text: String) -> String { text.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        typealias V = KilnSettings.Variables
        #expect(try V.home.parse(literal(V.home.defaultDescription)) == V.home.defaultValue)
        #expect(try V.pulpUser.parse(literal(V.pulpUser.defaultDescription)) == V.pulpUser.defaultValue)
        #expect(try V.nodeTimeout.parse(literal(V.nodeTimeout.defaultDescription)) == V.nodeTimeout.defaultValue)
        #expect(
            try V.maxTaskAttempts.parse(literal(V.maxTaskAttempts.defaultDescription)) == V.maxTaskAttempts.defaultValue
        )
        #expect(
            try V.buildRepositoryPrefix.parse(literal(V.buildRepositoryPrefix.defaultDescription))
                == V.buildRepositoryPrefix.defaultValue)
        #expect(
            try V.reconcileInterval.parse(literal(V.reconcileInterval.defaultDescription))
                == V.reconcileInterval.defaultValue)
        #expect(
            try V.pulpVirtualenv.parse(literal(V.pulpVirtualenv.defaultDescription)) == V.pulpVirtualenv.defaultValue)
        #expect(
            try V.pulpSettingsFile.parse(literal(V.pulpSettingsFile.defaultDescription))
                == V.pulpSettingsFile.defaultValue)
        #expect(V.pulpPassword.defaultValue.isEmpty && V.pulpPassword.defaultDescription == "empty")
    }

    @Test func variableNamesAreUnique() {
        let names = KilnSettings.variables.map(\.name)
        #expect(Set(names).count == names.count)
    }
}
