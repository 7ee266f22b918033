/// Why migrating a database stopped; nothing of the failing migration is kept.
package enum MigrationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The database has a version newer than any file this binary ships.
    case databaseNewer(databaseVersion: Int, knownVersion: Int)
    /// An applied migration's file changed since it was applied.
    case checksumMismatch(version: Int, name: String, applied: String, file: String)
    /// The database records a version this binary has no file for (and it is not newer).
    case unknownApplied(version: Int, name: String)
    /// A statement of a migration failed.
    case statementFailed(version: Int, name: String, statement: Int, message: String)
    /// A file in Migrations is not named `NNNN_name.sql`.
    case badFileName(String)
    /// Two files carry the same version.
    case duplicateVersion(Int)
    /// The resource folder is missing from the bundle.
    case missingResources

    package var description: String {
        switch self {
        case .databaseNewer(let database, let known):
            return "database schema is at version \(database) but this kiln knows up to \(known); upgrade kiln"
        case .checksumMismatch(let version, let name, let applied, let file):
            return
                "migration \(version) (\(name)) was changed after it was applied: checksum in database \(applied.prefix(12)), file \(file.prefix(12)); add a new migration instead of editing an applied one"
        case .unknownApplied(let version, let name):
            return "database has migration \(version) (\(name)) that this kiln does not know"
        case .statementFailed(let version, let name, let statement, let message):
            return "migration \(version) (\(name)) failed at statement \(statement): \(message)"
        case .badFileName(let file):
            return "migration file \(file) is not named NNNN_name.sql"
        case .duplicateVersion(let version):
            return "two migration files have version \(version)"
        case .missingResources:
            return "the Migrations folder is missing from the Store bundle"
        }
    }
}
