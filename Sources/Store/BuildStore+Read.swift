import Foundation
import Logging
import PostgresNIO
import Spec
import Statuses

extension BuildStore {
    /// The build with its tasks, creator and links; nil when absent. Read in one transaction
    /// (one snapshot, under the statement timeout).
    package func build(id: Int64) async throws -> BuildRow? {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger, statementTimeout: statementTimeout) { connection in
            var binds = PostgresBindings()
            binds.append(id)
            return try await Self.builds(whereSQL: "b.id = $1", binds: binds, connection: connection, logger: logger)
                .first
        }
    }

    /// A page (1-based) of the builds `filter` selects, newest first, and the number of them,
    /// read in one transaction (one snapshot, under the statement timeout).
    package func buildsPage(
        page: Int, pageSize: Int, filter: BuildFilter = BuildFilter()
    ) async throws -> (total: Int, builds: [BuildRow]) {
        let logger = self.logger
        return try await buildTransaction(client, logger: logger, statementTimeout: statementTimeout) { connection in
            var countBinds = PostgresBindings()
            let countCondition = filter.condition(binds: &countBinds)
            var total: Int64 = 0
            for try await count in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT count(*) FROM builds b WHERE \(countCondition)", binds: countBinds),
                logger: logger
            ).decode(Int64.self) { total = count }
            let (sql, binds) = Self.pageQuery(page: page, pageSize: pageSize, filter: filter)
            let rows = try await Self.builds(whereSQL: sql, binds: binds, connection: connection, logger: logger)
            return (Int(total), rows)
        }
    }

    /// The condition, order and window of one page of `filter`'s builds (after `WHERE`).
    package static func pageQuery(page: Int, pageSize: Int, filter: BuildFilter) -> (String, PostgresBindings) {
        var binds = PostgresBindings()
        let condition = filter.condition(binds: &binds)
        binds.append(Int64(pageSize))
        binds.append(pageOffset(page: page, pageSize: pageSize))
        return ("\(condition) ORDER BY b.id DESC LIMIT $\(binds.count - 1) OFFSET $\(binds.count)", binds)
    }

    /// Builds selected by `whereSQL` (with `binds`), in its order, with their tasks, creators,
    /// links, flavors and artifacts read in five more queries.
    private static func builds(
        whereSQL: String, binds: PostgresBindings, connection: PostgresConnection, logger: Logger
    ) async throws -> [BuildRow] {
        var builds: [BuildRow] = []
        let buildRows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT b.id, b.created_at, b.finished_at, b.released, b.signed, u.id, u.username, u.email,
                           b.mock_options::text, b.product_id, b.parallel_mode_enabled
                    FROM builds b LEFT JOIN users u ON u.id = b.created_by WHERE \(whereSQL)
                    """, binds: binds), logger: logger)
        for try await row in buildRows {
            let c = row.makeRandomAccess()
            let user = try c[5].decode(Int64?.self).map {
                BuildUserRow(
                    id: $0, username: try c[6].decode(String?.self) ?? "", email: try c[7].decode(String?.self) ?? "")
            }
            builds.append(
                BuildRow(
                    id: try c[0].decode(Int64.self), createdAt: try c[1].decode(Date.self),
                    finishedAt: try c[2].decode(Date?.self), released: try c[3].decode(Bool.self),
                    signed: try c[4].decode(Bool.self), user: user, linkedBuilds: [], tasks: [],
                    mockOptions: decodeJSONValue(try c[8].decode(String.self)) ?? .object([:]),
                    productID: try c[9].decode(Int64?.self), parallelModeEnabled: try c[10].decode(Bool.self)))
        }
        guard !builds.isEmpty else { return [] }
        let ids = builds.map(\.id)
        var position: [Int64: Int] = [:]
        for (index, build) in builds.enumerated() { position[build.id] = index }

        for try await (buildID, linked) in try await connection.query(
            """
            SELECT build_id, linked_build_id FROM build_links WHERE build_id = ANY(\(ids)) ORDER BY linked_build_id
            """, logger: logger
        ).decode((Int64, Int64).self) {
            if let index = position[buildID] { builds[index].linkedBuilds.append(linked) }
        }

        for try await (buildID, flavorID, name) in try await connection.query(
            """
            SELECT bf.build_id, f.id, f.name FROM build_platform_flavors bf JOIN platform_flavors f ON f.id = bf.flavor_id
            WHERE bf.build_id = ANY(\(ids)) ORDER BY bf.position, f.id
            """, logger: logger
        ).decode((Int64, Int64, String).self) {
            if let index = position[buildID] {
                builds[index].platformFlavors.append(BuildFlavorRow(id: flavorID, name: name))
            }
        }

        for try await row in try await connection.query(
            """
            SELECT build_id, id, sign_key_id, status, started_at, finished_at, stats::text, error_message
            FROM sign_tasks WHERE build_id = ANY(\(ids)) ORDER BY id
            """, logger: logger)
        {
            let c = row.makeRandomAccess()
            let task = BuildSignTaskRow(
                id: try c[1].decode(Int64.self), signKeyID: try c[2].decode(Int64.self),
                status: try StoredValue.decode(
                    SignTaskStatus.self, try c[3].decode(Int16.self), column: "sign_tasks.status"),
                startedAt: try c[4].decode(Date?.self), finishedAt: try c[5].decode(Date?.self),
                stats: try c[6].decode(String?.self).flatMap(decodeJSONValue),
                errorMessage: try c[7].decode(String?.self))
            if let index = position[try c[0].decode(Int64.self)] { builds[index].signTasks.append(task) }
        }

        var artifacts: [Int64: [BuildArtifactRow]] = [:]
        for try await (taskID, id, name, type, href, arch, sha256) in try await connection.query(
            """
            SELECT a.build_task_id, a.id, a.name, a.type, a.href, a.arch, a.sha256
            FROM artifacts a JOIN build_tasks t ON t.id = a.build_task_id
            WHERE t.build_id = ANY(\(ids)) ORDER BY a.id
            """, logger: logger
        ).decode((Int64, Int64, String, String, String, String?, String?).self) {
            let kind = try StoredValue.decode(ArtifactType.self, type, column: "artifacts.type")
            artifacts[taskID, default: []].append(
                BuildArtifactRow(id: id, name: name, type: kind, href: href, arch: arch, sha256: sha256))
        }

        var testTasks: [Int64: [TestTaskRow]] = [:]
        for row in try await TestTaskStore.tasks(buildIDs: ids, on: connection, logger: logger) {
            testTasks[row.buildTaskID, default: []].append(row)
        }

        let rows = try await connection.query(
            """
            SELECT t.build_id, t.id, t.ts, t.status, t.index, t.arch, t.attempts, t.error, t.node,
                   t.started_at, t.finished_at,
                   p.id, p.type, p.name, p.arch_list::text,
                   r.url, r.git_ref, r.ref_type, r.git_commit_hash,
                   t.is_secure_boot, t.mock_options::text, t.performance_stats::text, t.is_cas_authenticated,
                   t.alma_commit_cas_hash
            FROM build_tasks t JOIN platforms p ON p.id = t.platform_id JOIN build_task_refs r ON r.id = t.ref_id
            WHERE t.build_id = ANY(\(ids)) ORDER BY p.id, t.index, t.id
            """, logger: logger)
        for try await row in rows {
            let c = row.makeRandomAccess()
            let id = try c[1].decode(Int64.self)
            let task = BuildTaskRow(
                id: id,
                ts: try c[2].decode(Date?.self),
                status: try StoredValue.decode(
                    BuildTaskStatus.self, try c[3].decode(Int16.self), column: "build_tasks.status"),
                index: Int(try c[4].decode(Int32.self)),
                arch: try c[5].decode(String.self),
                attempts: Int(try c[6].decode(Int32.self)),
                error: try c[7].decode(String?.self),
                node: try c[8].decode(String?.self),
                startedAt: try c[9].decode(Date?.self),
                finishedAt: try c[10].decode(Date?.self),
                platform: BuildTaskPlatformRow(
                    id: try c[11].decode(Int64.self), type: try c[12].decode(String.self),
                    name: try c[13].decode(String.self), archList: decodeStringArray(try c[14].decode(String.self))),
                ref: BuildTaskRefRow(
                    url: try c[15].decode(String.self), gitRef: try c[16].decode(String?.self),
                    refType: try StoredValue.decode(
                        RefType.self, try c[17].decode(Int16.self), column: "build_task_refs.ref_type"),
                    gitCommitHash: try c[18].decode(String?.self)),
                artifacts: artifacts[id] ?? [],
                isSecureBoot: try c[19].decode(Bool.self),
                mockOptions: try c[20].decode(String?.self).flatMap(decodeJSONValue),
                performanceStats: try c[21].decode(String?.self).flatMap(decodeJSONValue),
                isCasAuthenticated: try c[22].decode(Bool.self),
                almaCommitCasHash: try c[23].decode(String?.self), testTasks: testTasks[id] ?? [])
            if let index = position[try c[0].decode(Int64.self)] { builds[index].tasks.append(task) }
        }
        return builds
    }
}

/// Decodes stored JSON text (`jsonb::text`); nil when it is not JSON.
func decodeJSONValue(_ json: String) -> JSONValue? {
    try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
}
