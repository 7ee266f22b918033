import PostgresNIO
import Statuses

/// The filters of `GET /api/v1/builds/` (ALBS `get_builds`); nil means "not filtered".
/// Every filter is served by an index (migration 0034). Task, ref and artifact filters apply to
/// the same task (and the same artifact), as ALBS's joined query does.
package struct BuildFilter: Sendable, Equatable {
    /// `builds.created_by`.
    package var createdBy: Int64?
    /// A substring of a ref URL after a `/` (ALBS: `url LIKE '%/project%'`).
    package var project: String?
    /// A substring of a ref URL or git ref (ALBS: `url LIKE '%ref%' OR git_ref LIKE '%ref%'`).
    package var ref: String?
    /// Exact fields of an RPM a task produced (ALBS asks Pulp for these exact values).
    package var rpmName: String?
    package var rpmEpoch: String?
    package var rpmVersion: String?
    package var rpmRelease: String?
    package var rpmArch: String?
    package var platformID: Int64?
    /// A task's arch.
    package var buildTaskArch: String?
    package var released: Bool?
    package var signed: Bool?
    /// true: `finished_at` is null; false: it is set.
    package var isRunning: Bool?
    /// The outcome of the build's tests (each task's latest revision).
    package var tests: TestOutcome?

    package init(
        createdBy: Int64? = nil, project: String? = nil, ref: String? = nil, rpmName: String? = nil,
        rpmEpoch: String? = nil, rpmVersion: String? = nil, rpmRelease: String? = nil, rpmArch: String? = nil,
        platformID: Int64? = nil, buildTaskArch: String? = nil, released: Bool? = nil, signed: Bool? = nil,
        isRunning: Bool? = nil, tests: TestOutcome? = nil
    ) {
        self.createdBy = createdBy
        self.project = project
        self.ref = ref
        self.rpmName = rpmName
        self.rpmEpoch = rpmEpoch
        self.rpmVersion = rpmVersion
        self.rpmRelease = rpmRelease
        self.rpmArch = rpmArch
        self.platformID = platformID
        self.buildTaskArch = buildTaskArch
        self.released = released
        self.signed = signed
        self.isRunning = isRunning
        self.tests = tests
    }

    /// The condition on `builds b` (never empty: "TRUE" without filters), appending its values
    /// to `binds` (placeholders continue from `binds.count`).
    package func condition(binds: inout PostgresBindings) -> String {
        func bind(_ value: some PostgresNonThrowingEncodable & Sendable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var conditions: [String] = []
        if let createdBy { conditions.append("b.created_by = \(bind(createdBy))") }
        if let released { conditions.append("b.released = \(bind(released))") }
        if let signed { conditions.append("b.signed = \(bind(signed))") }
        if let isRunning { conditions.append("(b.finished_at IS NULL) = \(bind(isRunning))") }
        if let tests { conditions.append(tests.condition) }

        var task: [String] = []
        var joinRef = false
        var joinArtifact = false
        if let project {
            joinRef = true
            task.append("r.url LIKE \(bind("%/" + Self.likeEscaped(project) + "%"))")
        }
        if let ref {
            joinRef = true
            let pattern = bind("%" + Self.likeEscaped(ref) + "%")
            task.append("(r.url LIKE \(pattern) OR r.git_ref LIKE \(pattern))")
        }
        if let platformID { task.append("t.platform_id = \(bind(platformID))") }
        if let buildTaskArch { task.append("t.arch = \(bind(buildTaskArch))") }
        let rpm: [(String, String?)] = [
            ("rpm_name", rpmName), ("rpm_epoch", rpmEpoch), ("rpm_version", rpmVersion),
            ("rpm_release", rpmRelease), ("arch", rpmArch)
        ]
        for case (let column, let value?) in rpm {
            joinArtifact = true
            task.append("a.\(column) = \(bind(value))")
        }
        if joinArtifact { task.append("a.type = \(ArtifactType.rpm.sql)") }
        if !task.isEmpty {
            var from = "build_tasks t"
            if joinRef { from += " JOIN build_task_refs r ON r.id = t.ref_id" }
            if joinArtifact { from += " JOIN artifacts a ON a.build_task_id = t.id" }
            conditions.append("b.id IN (SELECT t.build_id FROM \(from) WHERE \(task.joined(separator: " AND ")))")
        }
        return conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND ")
    }

    /// `value` with LIKE's wildcards and escape character taken literally.
    static func likeEscaped(_ value: String) -> String {
        var escaped = ""
        for character in value {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

/// The outcome of a build's tests, over the latest revision of each task's test tasks
/// (`GET /api/v1/builds/?tests=`).
package enum TestOutcome: String, Sendable, Equatable, CaseIterable {
    /// Tested, and every latest test task completed.
    case passed
    /// A latest test task failed.
    case failed
    /// A latest test task is queued or running.
    case pending
    /// No test tasks at all.
    case none

    /// The condition on `builds b`.
    var condition: String {
        let latest = """
            SELECT x.status FROM test_tasks x JOIN build_tasks y ON y.id = x.build_task_id
            WHERE y.build_id = b.id
              AND x.revision = (SELECT max(z.revision) FROM test_tasks z WHERE z.build_task_id = x.build_task_id)
            """
        let queued = "\(TestTaskStatus.created.rawValue), \(TestTaskStatus.started.rawValue)"
        switch self {
        case .passed:
            return "EXISTS (\(latest)) AND NOT EXISTS (\(latest) AND x.status <> \(TestTaskStatus.completed.rawValue))"
        case .failed: return "EXISTS (\(latest) AND x.status = \(TestTaskStatus.failed.rawValue))"
        case .pending: return "EXISTS (\(latest) AND x.status IN (\(queued)))"
        case .none: return "NOT EXISTS (\(latest))"
        }
    }
}
