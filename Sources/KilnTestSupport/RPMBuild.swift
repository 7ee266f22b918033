import Foundation
import Processes

/// Builds real RPMs for tests with `rpmbuild` (Debian package `rpm`) under a `_topdir`.
package enum RPMBuild {
    /// Writes `spec` to `<top>/SPECS/<name>.spec` and returns that file.
    package static func writeSpec(_ spec: String, name: String, top: URL) throws -> URL {
        let specs = top.appendingPathComponent("SPECS")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        let file = specs.appendingPathComponent("\(name).spec")
        try spec.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Runs `rpmbuild --define "_topdir <top>" --nodeps <arguments> <specFile>`; the results land in
    /// `<top>/RPMS/<arch>/` and `<top>/SRPMS/`. Throws with the end of rpmbuild's output when it fails.
    package static func run(specFile: URL, top: URL, arguments: [String]) throws {
        let result = try ProcessRunner.runSync(
            "/usr/bin/env", ["rpmbuild", "--define", "_topdir \(top.path)", "--nodeps"] + arguments + [specFile.path])
        guard result.succeeded else {
            throw RPMBuildError(
                description:
                    "rpmbuild failed (install Debian's 'rpm' package: scripts/install-deps.sh): \(result.output.suffix(800))"
            )
        }
    }
}

/// `rpmbuild` exited non-zero.
package struct RPMBuildError: Error, CustomStringConvertible {
    package var description: String
}

extension RPMBuild {
    /// `count` small distinct noarch RPMs `<prefix>-<i>-1-1.noarch.rpm` built in ONE rpmbuild run
    /// under `folder` (`Processes.RPMPackageBatch`), in order.
    package static func packages(count: Int, prefix: String, in folder: URL) throws -> [URL] {
        try RPMPackageBatch.build(count: count, prefix: prefix, in: folder)
    }
}
