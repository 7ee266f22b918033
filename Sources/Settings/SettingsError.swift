/// A setting whose value cannot be used. `kiln` prints it as one line and exits.
///
///     KILN_RECONCILE_INTERVAL='nope' is invalid: expected seconds (60) or a duration with a unit (250ms, 30s, 5m, 1h)
package struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The variable's name.
    package var variable: String
    /// The value as given (a database URL with its password masked); nil for secrets, which are never printed.
    package var value: String?
    /// Why the value is refused.
    package var reason: String

    package var description: String {
        if let value {
            return "\(variable)='\(value)' is invalid: \(reason)"
        }
        return "\(variable) (value not shown) is invalid: \(reason)"
    }
}
