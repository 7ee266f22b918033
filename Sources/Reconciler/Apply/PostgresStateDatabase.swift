import Foundation
import Logging
import PostgresNIO
import Spec
import Store

/// `StateDatabase` on Kiln's PostgreSQL schema (through `Store.DesiredStateStore` and
/// `Store.ReconcileRunStore`).
///
///     let db = PostgresStateDatabase(client: client)
///     let actual = try await db.readActualState()
public struct PostgresStateDatabase: StateDatabase {
    public let rows: DesiredStateStore
    public let runs: ReconcileRunStore

    public init(client: PostgresClient, logger: Logger = Logger(label: "kiln.reconciler.db")) {
        rows = DesiredStateStore(client: client, logger: logger)
        runs = ReconcileRunStore(client: client, logger: logger)
    }

    public func readActualState() async throws -> ActualState {
        Self.actualState(from: try await rows.read())
    }

    /// Maps the Store's rows to the planner's view.
    public static func actualState(from r: DesiredStateRows) -> ActualState {
        var s = ActualState()
        s.repositories = r.repositories.map {
            ActualRepository(key: RepositoryKey(name: $0.name, arch: $0.arch, debug: $0.debug), url: $0.url,
                             type: $0.type, production: $0.production, origin: $0.origin)
        }
        s.platforms = r.platforms.map { p in
            var usedBy: [String] = []
            if p.buildTaskCount > 0 { usedBy.append("used by \(p.buildTaskCount) build task(s)") }
            if p.apiReleaseCount > 0 { usedBy.append("used by \(p.apiReleaseCount) release(s) made through the API") }
            let archList: [String] = (try? JSONDecoder().decode([String].self, from: Data(p.archListJSON.utf8))) ?? []
            let data = (try? JSONDecoder().decode(JSONValue.self, from: Data(p.dataJSON.utf8))) ?? .object([:])
            return ActualPlatform(name: p.name, type: p.type, distrType: p.distrType, distrVersion: p.distrVersion,
                                  testDistName: p.testDistName, archList: archList, data: data.normalized,
                                  repositories: p.repositories.map {
                                      RepositoryKey(name: $0.name, arch: $0.arch, debug: $0.debug)
                                  }.sorted(),
                                  origin: p.origin, usedBy: usedBy)
        }
        s.distributions = r.distributions.map { ActualDistribution(name: $0.name, platforms: $0.platforms, origin: $0.origin) }
        s.signKeys = r.signKeys.map {
            ActualSignKey(name: $0.name, description: $0.description, keyid: $0.keyid, fingerprint: $0.fingerprint,
                          publicURL: $0.publicURL, origin: $0.origin,
                          usedBy: $0.signTaskCount > 0 ? ["used by \($0.signTaskCount) sign task(s)"] : [])
        }
        s.releases = r.releases.map {
            let plan = (try? JSONDecoder().decode(JSONValue.self, from: Data($0.planJSON.utf8))) ?? .object([:])
            return ActualRelease(name: $0.name, platform: $0.platform, referencePlatform: $0.referencePlatform,
                                 plan: plan.normalized, status: $0.status, origin: $0.origin)
        }
        for b in r.buildRepositories { s.storeInUse[b.name] = "belongs to build \(b.buildID)" }
        return s
    }

    public func apply(_ changes: [Change], commitSHA: String) async throws {
        var writes = try changes.compactMap(Self.write(for:))
        if writes.isEmpty { return }
        // A sign key renamed in git keeps its keyid (UNIQUE): the old row goes before the new one.
        // Deleting a sign key first is safe: one still used by sign tasks is kept, not deleted.
        let keyDeletes = writes.filter { if case .deleteSignKey = $0 { true } else { false } }
        writes.removeAll { if case .deleteSignKey = $0 { true } else { false } }
        writes = keyDeletes + writes
        try await rows.apply(writes, commitSHA: commitSHA)
    }

    /// The database write for one change (nil for store changes and kept objects).
    public static func write(for c: Change) throws -> DesiredStateWrite? {
        guard c.kind != .storeRepository, c.action != .keep else { return nil }
        let a = c.attributes ?? [:]
        func str(_ k: String) throws -> String {
            guard case .string(let v)? = a[k] else { throw ApplyError.malformedChange(c.name, "missing \(k)") }
            return v
        }
        func bool(_ k: String) throws -> Bool {
            guard case .bool(let v)? = a[k] else { throw ApplyError.malformedChange(c.name, "missing \(k)") }
            return v
        }
        func name() throws -> String {
            guard case .string(let v)? = c.identity["name"] else { throw ApplyError.malformedChange(c.name, "missing name") }
            return v
        }
        switch (c.kind, c.action) {
        case (.signKey, .create), (.signKey, .update):
            return .upsertSignKey(name: try name(), description: try str("description"), keyid: try str("keyid"),
                                  fingerprint: try str("fingerprint"), publicURL: try str("public_url"))
        case (.repository, .create), (.repository, .update):
            guard let key = RepositoryKey(json: c.identity) else { throw ApplyError.malformedChange(c.name, "identity") }
            return .upsertRepository(name: key.name, arch: key.arch, debug: key.debug, url: try str("url"),
                                     type: try str("type"), production: try bool("production"))
        case (.platform, .create), (.platform, .update):
            guard case .array(let repos)? = a["repositories"], let archList = a["arch_list"], let data = a["data"] else {
                throw ApplyError.malformedChange(c.name, "missing repositories, arch_list or data")
            }
            let ids: [DesiredStateRows.RepositoryIdentity] = try repos.map {
                guard case .object(let o) = $0, let k = RepositoryKey(json: o) else {
                    throw ApplyError.malformedChange(c.name, "repository identity")
                }
                return .init(name: k.name, arch: k.arch, debug: k.debug)
            }
            return .upsertPlatform(name: try name(), type: try str("type"), distrType: try str("distr_type"),
                                   distrVersion: try str("distr_version"), testDistName: try str("test_dist_name"),
                                   archListJSON: archList.compactText, dataJSON: data.compactText, repositories: ids)
        case (.distribution, .create), (.distribution, .update):
            guard case .array(let ps)? = a["platforms"] else { throw ApplyError.malformedChange(c.name, "platforms") }
            return .upsertDistribution(name: try name(), platforms: ps.compactMap {
                if case .string(let s) = $0 { return s } else { return nil }
            })
        case (.release, .create), (.release, .update):
            guard let plan = a["plan"] else { throw ApplyError.malformedChange(c.name, "plan") }
            var builds: [Int] = []
            if case .object(let o) = plan, case .array(let bs)? = o["builds"] {
                builds = bs.compactMap { if case .int(let i) = $0.normalized { return i } else { return nil } }
            }
            var ref: String?
            if case .string(let r)? = a["reference_platform"] { ref = r }
            return .upsertRelease(name: try name(), platform: try str("platform"), referencePlatform: ref,
                                  planJSON: plan.compactText, builds: builds)
        case (.signKey, .delete): return .deleteSignKey(name: try name())
        case (.repository, .delete):
            guard let key = RepositoryKey(json: c.identity) else { throw ApplyError.malformedChange(c.name, "identity") }
            return .deleteRepository(name: key.name, arch: key.arch, debug: key.debug)
        case (.platform, .delete): return .deletePlatform(name: try name())
        case (.distribution, .delete): return .deleteDistribution(name: try name())
        case (.release, .delete): return .deleteRelease(name: try name())
        default: return nil
        }
    }

    public func withReconcileLock<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
        try await runs.withReconcileLock(body)
    }

    public func startRun(trigger: String, commitSHA: String?) async throws -> Int64 {
        try await runs.start(trigger: trigger, commitSHA: commitSHA)
    }

    public func finishRun(id: Int64, commitSHA: String?, plan: Plan?, result: RunResult, errors: [String],
                          durationMS: Int) async throws {
        let json = try plan.map { String(decoding: try $0.jsonData(pretty: false), as: UTF8.self) }
        try await runs.finish(id: id, commitSHA: commitSHA, planJSON: json, result: result.rawValue, errors: errors,
                              durationMS: durationMS)
    }

    public func recordSkipped(trigger: String, commitSHA: String?, reason: String) async throws -> Int64 {
        try await runs.recordSkipped(trigger: trigger, commitSHA: commitSHA, reason: reason)
    }
}
