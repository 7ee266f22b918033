/// One environment variable of Kiln: its name, its default, and the one parser of its value.
///
/// An unset or empty variable takes `defaultValue`; any other value goes through `parse`, and a
/// value `parse` refuses is a ``SettingsError`` naming the variable and the value.
package struct Setting<Value: Sendable>: Sendable {
    /// The variable's name (`KILN_NODE_TIMEOUT`).
    package let name: String
    /// The value when the variable is unset or empty.
    package let defaultValue: Value
    /// The default as README.md's settings table spells it (Markdown).
    package let defaultDescription: String
    /// A valid value different from the default (tests read every variable with it).
    package let example: String
    /// Whether the value must never be printed (passwords, secrets).
    package let isSecret: Bool
    /// How the value appears in an error message (secrets are never shown).
    let display: @Sendable (String) -> String
    /// The value's parser; throws ``InvalidValue`` with the reason.
    let parse: @Sendable (String) throws -> Value

    init(
        _ name: String, default defaultValue: Value, documented defaultDescription: String, example: String,
        isSecret: Bool = false, display: @escaping @Sendable (String) -> String = { $0 },
        parse: @escaping @Sendable (String) throws -> Value
    ) {
        self.name = name
        self.defaultValue = defaultValue
        self.defaultDescription = defaultDescription
        self.example = example
        self.isSecret = isSecret
        self.display = display
        self.parse = parse
    }

    /// The value of this setting in `environment`.
    package func read(from environment: [String: String]) throws(SettingsError) -> Value {
        guard let raw = environment[name], !raw.isEmpty else { return defaultValue }
        do {
            return try parse(raw)
        } catch let invalid as InvalidValue {
            throw SettingsError(variable: name, value: isSecret ? nil : display(raw), reason: invalid.reason)
        } catch {
            throw SettingsError(variable: name, value: isSecret ? nil : display(raw), reason: "\(error)")
        }
    }
}

/// What every ``Setting`` tells about itself, whatever its value type (for the README table).
package protocol SettingDescription: Sendable {
    var name: String { get }
    var defaultDescription: String { get }
    var example: String { get }
    var isSecret: Bool { get }
    /// Whether `value` is accepted (for tests and diagnostics).
    func accepts(_ value: String) -> Bool
}

extension Setting: SettingDescription {
    package func accepts(_ value: String) -> Bool {
        (try? parse(value)) != nil
    }
}

/// A value a setting's parser refuses, with the reason in words.
struct InvalidValue: Error {
    var reason: String
}
