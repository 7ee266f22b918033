import Foundation

/// Many small, distinct binary RPMs from ONE `rpmbuild` run: a spec with one `%package -n`
/// subpackage per package, each holding one small file of its own (noarch). 1,000 packages
/// take a few seconds. For tests and `kiln bench sign`.
package enum RPMPackageBatch {
    /// Builds `count` packages `<prefix>-<i>-1-1.noarch.rpm` (i = 1…count) under `folder` and
    /// returns their files in order. `prefix`: letters, digits, `.`, `_`, `+`, `-`.
    package static func build(count: Int, prefix: String, in folder: URL) throws -> [URL] {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-")
        guard count > 0, !prefix.isEmpty, prefix.first?.isLetter == true, prefix.allSatisfy(allowed.contains) else {
            throw ProcessError(
                command: "rpmbuild",
                message: "a batch needs count > 0 and a package-name prefix, got \(count) '\(prefix)'")
        }
        let top = folder.appendingPathComponent("rpmbuild-\(prefix)", isDirectory: true)
        let specs = top.appendingPathComponent("SPECS", isDirectory: true)
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        let specFile = specs.appendingPathComponent("\(prefix).spec")
        try spec(count: count, prefix: prefix).write(to: specFile, atomically: true, encoding: .utf8)
        let result = try ProcessRunner.runSync(
            "/usr/bin/env",
            [
                "rpmbuild", "--define", "_topdir \(top.path)", "--define", "_build_id_links none", "--nodeps", "-bb",
                specFile.path
            ])
        guard result.succeeded else {
            throw ProcessError(
                command: "rpmbuild",
                message: "exit status \(result.status) (install Debian's 'rpm'): \(result.output.suffix(800))")
        }
        let rpms = top.appendingPathComponent("RPMS/noarch", isDirectory: true)
        return (1...count).map { rpms.appendingPathComponent("\(prefix)-\($0)-1-1.noarch.rpm") }
    }

    static func spec(count: Int, prefix: String) -> String {
        var text = """
            Name: \(prefix)-batch
            Version: 1
            Release: 1
            Summary: Small packages made in one rpmbuild run
            License: MIT
            BuildArch: noarch
            %description
            Small packages made in one rpmbuild run.
            %install
            mkdir -p %{buildroot}/usr/share/\(prefix)
            for i in $(seq 1 \(count)); do echo "\(prefix) package $i" > %{buildroot}/usr/share/\(prefix)/$i.txt; done

            """
        for i in 1...count {
            text += """
                %package -n \(prefix)-\(i)
                Summary: Package \(i) of the \(prefix) batch
                %description -n \(prefix)-\(i)
                Package \(i) of the \(prefix) batch.
                %files -n \(prefix)-\(i)
                /usr/share/\(prefix)/\(i).txt

                """
        }
        return text
    }
}
