import Statuses

/// Decoding of stored status columns into their `Statuses` enums.
enum StoredValue {
    /// The enum case stored as `raw`; throws when the column holds a value the enum does not know.
    static func decode<T: RawRepresentable>(_ type: T.Type, _ raw: T.RawValue, column: String) throws -> T {
        guard let value = T(rawValue: raw) else {
            throw UnknownStoredValue(column: column, value: "\(raw)")
        }
        return value
    }
}

/// A status column held a value its enum has no case for (a newer schema, or a manual edit).
package struct UnknownStoredValue: Error, Sendable, CustomStringConvertible {
    package var column: String
    package var value: String

    package var description: String { "\(column) holds unknown value \(value)" }
}
