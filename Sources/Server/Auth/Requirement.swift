import Spec

/// What a route asks of its caller: one entry of `RoutePermissions.rules`.
package enum Requirement: Sendable, Hashable {
    /// No token needed (ALBS's public reads; webhooks check their own signature).
    case everyone
    /// A token of one of these scopes; an admin token passes too.
    case scopes([AuthScope])
    /// An admin token.
    case admin
    /// A user token holding `role` in a team owning the platforms of `object` (an admin passes).
    /// Objects on platforms no team owns: any user when `creatorMay` is false, else only the
    /// object's creator. With `creatorMay`, a user without the role may still act on what they
    /// created (the store checks it under the row lock).
    case teamRole(TeamRole, on: ObjectSource, creatorMay: Bool)

    /// Where the object of a `teamRole` rule comes from.
    package enum ObjectSource: Sendable, Hashable {
        /// A build id path parameter.
        case build(parameter: String)
        /// A sign task id path parameter (its build).
        case signTask(parameter: String)
        /// A build task id path parameter (its build).
        case buildTask(parameter: String)
        /// The request body's `build_id`.
        case bodyBuild
        /// The request body's `platforms[].name` (a build to create).
        case bodyPlatforms
    }

    /// One line for `docs/security.md`.
    package var summary: String {
        switch self {
        case .everyone: "public"
        case .scopes(let scopes): scopes.map { "`\($0.rawValue)`" }.joined(separator: " or ") + " token"
        case .admin: "`admin` token"
        case .teamRole(let role, let object, let creatorMay):
            "`user` token; `\(role.rawValue)` in a team owning \(object.summary)"
                + (creatorMay ? ", else the creator" : ", any user if no team owns them")
        }
    }
}

extension Requirement.ObjectSource {
    var summary: String {
        switch self {
        case .build(let p): "the platforms of build `{\(p)}`"
        case .signTask(let p): "the platforms of sign task `{\(p)}`'s build"
        case .buildTask(let p): "the platforms of build task `{\(p)}`'s build"
        case .bodyBuild: "the platforms of the body's `build_id`"
        case .bodyPlatforms: "the body's `platforms`"
        }
    }
}

extension TeamRole {
    /// Whether holding `self` satisfies a rule asking for `needed`: every role may do what a
    /// contributor may (build, restart); `manager`, `signer`, `releaser` only by themselves.
    package func satisfies(_ needed: TeamRole) -> Bool {
        self == needed || needed == .contributor
    }
}
