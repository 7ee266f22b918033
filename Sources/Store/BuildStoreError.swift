/// Why a build or task operation was refused; the HTTP layer maps these to 404 / 409 / 422.
public enum BuildStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The object does not exist (404).
    case notFound(String)
    /// The operation conflicts with the object's state (409).
    case conflict(String)
    /// The input names something unknown or is inconsistent (422).
    case invalid(String)
    /// The caller may not do this to the object (403).
    case forbidden(String)

    public var description: String {
        switch self {
        case .notFound(let m), .conflict(let m), .invalid(let m), .forbidden(let m): return m
        }
    }
}
