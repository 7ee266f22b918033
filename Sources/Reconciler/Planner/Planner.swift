import Spec
import Statuses

/// Computes a `Plan` from desired and actual state, with no side effects. One reconcile
/// function per kind (`Planner+Repositories.swift`, `Planner+Platforms.swift`, ...), each
/// returning that kind's changes.
///
///     let plan = Planner.plan(desired: result.state, actual: actual, commitSHA: sha)
///     if plan.hasChanges { print(plan.renderText()) }
package enum Planner {
    /// Note on a kept object written through the HTTP API.
    static let apiOriginReason = "origin api: written through the HTTP API, not declared in git; not pruned"

    /// The full plan. `actual.storeRepositories == nil` leaves the store side out.
    package static func plan(desired: DesiredState, actual: ActualState, commitSHA: String) -> Plan {
        var changes: [Change] = []
        changes += reconcileSignKeys(desired: desired, actual: actual)
        let distributions = reconcileDistributions(desired: desired, actual: actual)
        changes += distributions
        let releases = reconcileReleases(desired: desired, actual: actual)
        changes += releases
        let platforms = reconcilePlatforms(
            desired: desired, actual: actual,
            distributionChanges: distributions, releaseChanges: releases)
        changes += platforms
        let flavors = reconcileFlavors(desired: desired, actual: actual)
        changes += flavors
        let repositories = reconcileRepositories(
            desired: desired, actual: actual, platformChanges: platforms, flavorChanges: flavors)
        changes += repositories
        changes += reconcileTeams(desired: desired, actual: actual)
        if actual.storeRepositories != nil {
            changes += reconcileStoreRepositories(desired: desired, actual: actual, repositoryChanges: repositories)
        }
        return Plan(
            commitSHA: commitSHA, fingerprint: actual.fingerprint,
            changes: fileChanges(changes, desired: desired, actual: actual))
    }

    /// Plans one object of a desired-state kind: `wrap` makes its record a `Resource`;
    /// `usedBy` adds to what the actual object already lists.
    static func change<Record>(
        _ wrap: (Record) -> Resource, desired: Record?, actual: Actual<Record>?,
        usedBy: [String] = []
    ) -> Change? {
        change(
            desired: desired.map(wrap), actual: actual.map { wrap($0.record) }, origin: actual?.origin,
            usedBy: (actual?.usedBy ?? []) + usedBy, frozen: actual?.frozen)
    }

    /// Plans one object given its desired and actual records.
    static func change(
        desired: Resource?, actual: Resource?, origin: Origin?, usedBy: [String] = [],
        frozen: String? = nil
    ) -> Change? {
        switch (desired, actual) {
        case (let d?, nil):
            return Change(.create, desired: d)
        case (let d?, let a?):
            // Equal records (the common, no-op case) have equal fields: skip building them.
            if origin != .api, d.sameRecord(as: a) { return nil }
            guard origin == .api || !FieldChange.diff(a.fields, d.fields).isEmpty else { return nil }
            if let frozen { return Change(.keep, desired: d, actual: a, reason: frozen, origin: origin) }
            return Change(
                .update, desired: d, actual: a,
                reason: origin == .api ? "declared in git now: git takes it over" : nil, origin: origin)
        case (nil, let a?):
            if origin == .api { return Change(.keep, actual: a, reason: apiOriginReason, origin: .api) }
            if let frozen { return Change(.keep, actual: a, reason: frozen, origin: origin) }
            if !usedBy.isEmpty {
                return Change(
                    .keep, actual: a, reason: "not deleted: " + usedBy.joined(separator: "; "), origin: origin)
            }
            return Change(.delete, actual: a, origin: origin)
        case (nil, nil):
            return nil
        }
    }
}
