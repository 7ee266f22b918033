import Foundation
import KilnTestSupport

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
    static let built: Result<Built, any Error> = Result { try build() }

    static func get() throws -> Built { try built.get() }

    private static func build() throws -> Built {
        let top = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-server-rpms-\(getpid())")
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
            let file = try RPMBuild.writeSpec(spec, name: project, top: top)
            for (i, arch) in arches.enumerated() {
                try RPMBuild.run(
                    specFile: file, top: top,
                    arguments: [
                        "--define", "debug_package %{nil}", "--target", arch, i == 0 ? "-ba" : "-bb"
                    ])
            }
        }
        return Built(top: top)
    }
}
