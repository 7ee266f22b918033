import Spec

extension JSONValue {
    /// Nesting depth: 0 for a scalar, 1 for an array or object of scalars, and so on.
    var depth: Int {
        switch self {
        case .array(let items): 1 + (items.map(\.depth).max() ?? 0)
        case .object(let fields): 1 + (fields.values.map(\.depth).max() ?? 0)
        default: 0
        }
    }
}
