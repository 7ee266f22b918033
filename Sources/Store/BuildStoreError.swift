/// Why a build or task operation was refused, in domain terms (the HTTP layer picks the status).
package enum BuildStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The object does not exist.
    case notFound(String)
    /// The operation conflicts with the object's state (running, released, held by another node).
    case conflict(String)
    /// The input names something unknown or is inconsistent.
    case invalid(String)
    /// The caller may not do this to the object.
    case forbidden(String)
    /// The work ran past the statement timeout and was rolled back.
    case timedOut(String)

    package var description: String {
        switch self {
        case .notFound(let m), .conflict(let m), .invalid(let m), .forbidden(let m), .timedOut(let m): return m
        }
    }
}
