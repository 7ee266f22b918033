import Artifacts
import Hummingbird
import Store

/// `GET /health`: `{"status": "ok"|"degraded", "database": "ok"|"down", "artifact_store": "ok"|"down"}`,
/// 503 while the database is down (nothing works without it), 200 otherwise (with the artifact
/// store down, reads still work). `detail` says what is wrong, when something is.
struct HealthAnswer: Codable, Sendable, Equatable {
    var status: String
    var database: String
    var artifactStore: String
    var detail: String?

    enum CodingKeys: String, CodingKey {
        case status, database, detail
        case artifactStore = "artifact_store"
    }
}

extension KilnServer {
    /// Checks the database (the supervisor's view, else one `SELECT 1` within 2 s) and the artifact store.
    static func health(_ dependencies: ServerDependencies) async -> (HTTPResponse.Status, HealthAnswer) {
        var problems: [String] = []
        var databaseUp = true
        if let supervisor = dependencies.databaseSupervisor {
            if case .down(let cause) = supervisor.health {
                databaseUp = false
                problems.append("database unreachable: \(cause)")
            }
        } else {
            do {
                try await DatabaseSupervisor.check(dependencies.database, timeout: .seconds(2))
            } catch {
                databaseUp = false
                problems.append("database unreachable: \(DatabaseUnavailable.cause(of: error) ?? "\(error)")")
            }
        }
        var storeUp = true
        do {
            try await dependencies.artifactStore.checkHealth()
        } catch {
            storeUp = false
            problems.append("artifact store unreachable: \(error)")
        }
        let answer = HealthAnswer(
            status: problems.isEmpty ? "ok" : "degraded", database: databaseUp ? "ok" : "down",
            artifactStore: storeUp ? "ok" : "down",
            detail: problems.isEmpty ? nil : problems.joined(separator: "; "))
        return (databaseUp ? .ok : .serviceUnavailable, answer)
    }
}
