/// The kinds of object a plan changes, in the order creates and updates are applied
/// (deletions run in the reverse order, after everything else).
package enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case signKey = "sign_key"
    case repository
    case storeRepository = "store_repository"
    case platform
    case flavor
    case distribution
    case release
    case team

    /// Position in apply order.
    package var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    package static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool { lhs.order < rhs.order }
}
