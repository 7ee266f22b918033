import Logging
import PostgresNIO

/// The name, epoch, version and release of an RPM artifact as the artifact store read them from
/// its header (`artifacts.rpm_*`, migration 0034): what the `rpm_*` build filters match.
package struct RPMFields: Sendable, Equatable {
    package var name: String
    package var epoch: String
    package var version: String
    package var release: String

    package init(name: String, epoch: String, version: String, release: String) {
        self.name = name
        self.epoch = epoch
        self.version = version
        self.release = release
    }
}

/// Stores the RPM fields of a task's just-written artifacts (matched by href), inside the
/// transaction that wrote them; artifacts without fields are left alone.
func storeRPMFields(
    on connection: PostgresConnection, taskID: Int64, artifacts: [ArtifactRecord], logger: Logger
) async throws {
    let rpms = artifacts.compactMap { artifact in artifact.rpm.map { (artifact.href, $0) } }
    guard !rpms.isEmpty else { return }
    try await connection.query(
        """
        UPDATE artifacts a SET rpm_name = u.name, rpm_epoch = u.epoch, rpm_version = u.version, rpm_release = u.release
        FROM unnest(\(rpms.map(\.0))::text[], \(rpms.map(\.1.name))::text[], \(rpms.map(\.1.epoch))::text[],
                    \(rpms.map(\.1.version))::text[], \(rpms.map(\.1.release))::text[])
             AS u(href, name, epoch, version, release)
        WHERE a.build_task_id = \(taskID) AND a.href = u.href
        """, logger: logger)
}
