import Foundation

/// Builds real RPMs for tests with `rpmbuild` (Debian package `rpm`) under a `_topdir`.
public enum RPMBuild {
    /// Writes `spec` to `<top>/SPECS/<name>.spec` and returns that file.
    public static func writeSpec(_ spec: String, name: String, top: URL) throws -> URL {
        let specs = top.appendingPathComponent("SPECS")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        let file = specs.appendingPathComponent("\(name).spec")
        try spec.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Runs `rpmbuild --define "_topdir <top>" --nodeps <arguments> <specFile>`; the results land in
    /// `<top>/RPMS/<arch>/` and `<top>/SRPMS/`. Throws with the end of rpmbuild's output when it fails.
    public static func run(specFile: URL, top: URL, arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["rpmbuild", "--define", "_topdir \(top.path)", "--nodeps"] + arguments + [specFile.path]
        let log = top.appendingPathComponent("rpmbuild.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw RPMBuildError(description:
                "rpmbuild failed (install Debian's 'rpm' package: scripts/install-deps.sh): \(text.suffix(800))")
        }
    }
}

/// `rpmbuild` exited non-zero.
public struct RPMBuildError: Error, CustomStringConvertible {
    public var description: String
}
