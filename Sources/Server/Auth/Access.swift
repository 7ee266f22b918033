/// What the permission check granted a request (`KilnRequestContext.access`).
package enum Access: Sendable, Equatable {
    /// The caller may act on any object the route touches (admin, a role holder, or a route
    /// that names no object).
    case granted
    /// The caller may act only on objects they created (`requestedBy` for the store's check).
    case creatorOnly(userID: Int64)
}
