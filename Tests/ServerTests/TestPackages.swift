import Foundation

/// Real RPMs built once per test process with `rpmbuild`: for each project (`hello`, `world`)
/// an arch package per arch, a noarch `-doc` subpackage and the source RPM.
enum TestPackages {
    struct Built: Sendable {
        var top: URL
        /// `RPMS/<arch>/<name>-1.0-1.<arch>.rpm` etc.
        func rpm(_ name: String, arch: String) -> URL {
            arch == "src"
                ? top.appendingPathComponent("SRPMS/\(name)-1.0-1.src.rpm")
                : top.appendingPathComponent("RPMS/\(arch)/\(name)-1.0-1.\(arch).rpm")
        }
    }

    static let arches = ["x86_64", "aarch64"]
    static let projects = ["hello", "world"]
    static let built: Result<Built, Error> = Result { try build() }

    static func get() throws -> Built { try built.get() }

    private static func build() throws -> Built {
        let top = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-server-rpms-\(getpid())")
        let specs = top.appendingPathComponent("SPECS")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        for project in projects {
            let spec = """
                Name: \(project)
                Version: 1.0
                Release: 1
                Summary: \(project) test package
                License: MIT
                %description
                \(project)
                %package doc
                Summary: \(project) docs
                BuildArch: noarch
                %description doc
                \(project) docs
                %install
                mkdir -p %{buildroot}/usr/share/\(project)
                echo \(project) > %{buildroot}/usr/share/\(project)/a.txt
                echo doc > %{buildroot}/usr/share/\(project)/doc.txt
                %files
                /usr/share/\(project)/a.txt
                %files doc
                /usr/share/\(project)/doc.txt

                """
            let file = specs.appendingPathComponent("\(project).spec")
            try spec.write(to: file, atomically: true, encoding: .utf8)
            for (i, arch) in arches.enumerated() {
                try run(["rpmbuild", "--define", "_topdir \(top.path)", "--define", "debug_package %{nil}",
                         "--nodeps", "--target", arch, i == 0 ? "-ba" : "-bb", file.path])
            }
        }
        return Built(top: top)
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError(description: "rpmbuild failed (install Debian's 'rpm' package): \(arguments.joined(separator: " "))")
        }
    }
}
