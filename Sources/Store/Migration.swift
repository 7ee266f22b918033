import Foundation

/// One numbered schema change, read from `Migrations/NNNN_name.sql`.
///
///     let migrations = try Migration.bundled()   // sorted by version
///     migrations.last?.version                   // the newest version this binary knows
package struct Migration: Sendable, Hashable {
    /// The number before the first `_` (`0001_initial.sql` is 1).
    package var version: Int
    /// The rest of the file name without `.sql` (`initial`).
    package var name: String
    /// The whole file text.
    package var sql: String

    package init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The migrations shipped in this module's resource folder `Migrations`.
    package static func bundled() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError.missingResources
        }
        return try load(from: folder)
    }

    /// Every `NNNN_name.sql` in `folder`, sorted; two files with one version are an error.
    package static func load(from folder: URL) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        var migrations: [Migration] = []
        for file in names where file.hasSuffix(".sql") {
            let stem = String(file.dropLast(4))
            guard let underscore = stem.firstIndex(of: "_"),
                let version = Int(stem[..<underscore]), version > 0
            else {
                throw MigrationError.badFileName(file)
            }
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            migrations.append(
                Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw MigrationError.duplicateVersion(a.version)
        }
        return migrations
    }
}
