import Hummingbird
import Store

/// The query parameters of `GET /api/v1/builds/` (ALBS `get_builds_per_page`): `pageNumber` and
/// the filters, checked whole before any query (422 with a detail naming the parameter).
/// Integers are positive ids; booleans are `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`, as
/// FastAPI reads them); text has no NUL and a bounded length. Empty `rpm_*` values filter nothing
/// (ALBS skips them); an empty `project` or `ref` matches every ref with a `/` or every ref.
/// Unknown parameters are ignored, as FastAPI does.
struct BuildListQuery: Sendable, Equatable {
    /// nil: every build as one list.
    var page: Int?
    var filter: BuildFilter

    init(_ parameters: Parameters) throws {
        func text(_ name: String, maxLength: Int) throws -> String? {
            guard let raw = parameters[Substring(name)] else { return nil }
            let value = String(raw)
            try InputCheck.text(value, name, maxLength: maxLength)
            return value
        }
        func rpm(_ name: String) throws -> String? {
            try text(name, maxLength: InputCheck.nameLength).flatMap { $0.isEmpty ? nil : $0 }
        }
        func id(_ name: String) throws -> Int64? { try ListQueryParameters.id(parameters, name) }
        func flag(_ name: String) throws -> Bool? {
            guard let raw = parameters[Substring(name)] else { return nil }
            switch raw.lowercased() {
            case "true", "1", "yes", "on", "t", "y": return true
            case "false", "0", "no", "off", "f", "n": return false
            default:
                throw APIError(.unprocessableContent, "\(name) must be true or false, got \"\(raw.prefix(64))\"")
            }
        }
        func outcome() throws -> TestOutcome? {
            guard let raw = parameters["tests"] else { return nil }
            guard let value = TestOutcome(rawValue: raw.lowercased()) else {
                let names = TestOutcome.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError(.unprocessableContent, "tests must be one of \(names), got \"\(raw.prefix(64))\"")
            }
            return value
        }
        page = try ListQueryParameters.pageNumber(parameters)
        filter = BuildFilter(
            createdBy: try id("created_by"), project: try text("project", maxLength: InputCheck.urlLength),
            ref: try text("ref", maxLength: InputCheck.urlLength), rpmName: try rpm("rpm_name"),
            rpmEpoch: try rpm("rpm_epoch"), rpmVersion: try rpm("rpm_version"), rpmRelease: try rpm("rpm_release"),
            rpmArch: try rpm("rpm_arch"), platformID: try id("platform_id"),
            buildTaskArch: try text("build_task_arch", maxLength: InputCheck.archLength),
            released: try flag("released"), signed: try flag("signed"), isRunning: try flag("is_running"),
            tests: try outcome())
    }
}

/// Query parameters the paginated listings share (`GET /api/v1/builds/`, `GET /api/v1/releases/`).
enum ListQueryParameters {
    /// ALBS's `pageNumber` (1-based); nil when absent, 422 unless a positive integer.
    static func pageNumber(_ parameters: Parameters) throws -> Int? {
        guard let raw = parameters["pageNumber"] else { return nil }
        guard let page = Int(String(raw)), page >= 1 else {
            throw APIError(.unprocessableContent, "pageNumber must be a positive integer")
        }
        return page
    }

    /// An id parameter `name`: nil when absent, 422 unless a positive integer.
    static func id(_ parameters: Parameters, _ name: String) throws -> Int64? {
        guard let raw = parameters[Substring(name)] else { return nil }
        guard let value = Int64(String(raw)), value > 0 else {
            throw APIError(.unprocessableContent, "\(name) must be a positive integer, got \"\(raw.prefix(64))\"")
        }
        return value
    }
}
