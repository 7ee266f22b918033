import Spec

/// Computes a `Plan` from desired and actual state, with no side effects. One reconcile
/// function per kind (`Planner+Repositories.swift`, `Planner+Platforms.swift`, ...), each
/// returning that kind's changes.
///
///     let plan = Planner.plan(desired: result.state, actual: actual, commitSHA: sha)
///     if plan.hasChanges { print(plan.renderText()) }
public enum Planner {
    /// Note on a kept object written through the HTTP API.
    static let apiOriginReason = "origin api: written through the HTTP API, not declared in git; not pruned"

    /// The full plan. `actual.storeRepositories == nil` leaves the store side out.
    public static func plan(desired: DesiredState, actual: ActualState, commitSHA: String) -> Plan {
        var changes: [Change] = []
        changes += reconcileSignKeys(desired: desired, actual: actual)
        let distributions = reconcileDistributions(desired: desired, actual: actual)
        changes += distributions
        let releases = reconcileReleases(desired: desired, actual: actual)
        changes += releases
        let platforms = reconcilePlatforms(desired: desired, actual: actual,
                                           distributionChanges: distributions, releaseChanges: releases)
        changes += platforms
        let repositories = reconcileRepositories(desired: desired, actual: actual, platformChanges: platforms)
        changes += repositories
        if actual.storeRepositories != nil {
            changes += reconcileStoreRepositories(desired: desired, actual: actual, repositoryChanges: repositories)
        }
        return Plan(commitSHA: commitSHA, fingerprint: actual.fingerprint, changes: changes)
    }

    /// Field-by-field difference of two attribute maps (only the fields that differ).
    static func diff(_ before: [String: JSONValue], _ after: [String: JSONValue]) -> [FieldChange] {
        let keys = Set(before.keys).union(after.keys).sorted()
        return keys.compactMap { key in
            let b = before[key]?.normalized, a = after[key]?.normalized
            return b == a ? nil : FieldChange(field: key, before: b, after: a)
        }
    }

    /// Every field as added (create) or removed (delete).
    static func allFields(_ attributes: [String: JSONValue], removed: Bool = false) -> [FieldChange] {
        attributes.keys.sorted().map {
            removed ? FieldChange(field: $0, before: attributes[$0], after: nil)
                    : FieldChange(field: $0, before: nil, after: attributes[$0])
        }
    }

    /// Plans one object given its desired and actual attributes.
    static func change(kind: ResourceKind, name: String, identity: [String: JSONValue] = [:],
                       desired: [String: JSONValue]?, actual: [String: JSONValue]?,
                       actualOrigin: String?, usedBy: [String] = []) -> Change? {
        switch (desired, actual) {
        case (let d?, nil):
            return Change(action: .create, kind: kind, name: name, identity: identity,
                          fields: allFields(d), attributes: d)
        case (let d?, let a?):
            var fields = diff(a, d)
            if actualOrigin == "api" {
                fields.append(FieldChange(field: "origin", before: .string("api"), after: .string("git")))
            }
            if fields.isEmpty { return nil }
            return Change(action: .update, kind: kind, name: name, identity: identity, fields: fields,
                          attributes: d, reason: actualOrigin == "api" ? "declared in git now: git takes it over" : nil,
                          origin: actualOrigin)
        case (nil, let a?):
            if actualOrigin == "api" {
                return Change(action: .keep, kind: kind, name: name, identity: identity,
                              reason: apiOriginReason, origin: "api")
            }
            if !usedBy.isEmpty {
                return Change(action: .keep, kind: kind, name: name, identity: identity,
                              reason: "not deleted: " + usedBy.joined(separator: "; "), origin: actualOrigin)
            }
            return Change(action: .delete, kind: kind, name: name, identity: identity,
                          fields: allFields(a, removed: true), origin: actualOrigin)
        case (nil, nil):
            return nil
        }
    }
}
