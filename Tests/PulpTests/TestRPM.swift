import Foundation
import XCTest

/// Real RPM files built once per test process with `rpmbuild` (Debian package `rpm`).
enum TestRPM {
    struct Built: Sendable {
        /// `kiln-fixture-1.0-1.noarch.rpm`, epoch 3.
        var noarch: URL
        /// `kiln-fixture-1.0-1.src.rpm`.
        var source: URL
    }

    static let built: Result<Built, Error> = Result { try build() }

    static func get() throws -> Built { try built.get() }

    private static func build() throws -> Built {
        let top = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-pulp-rpm-\(getpid())")
        let specs = top.appendingPathComponent("SPECS")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        let spec = """
            Name: kiln-fixture
            Version: 1.0
            Release: 1
            Epoch: 3
            Summary: Tiny package for Kiln's artifact store tests
            License: MIT
            BuildArch: noarch
            %description
            Tiny package for Kiln's artifact store tests.
            %install
            mkdir -p %{buildroot}/usr/share/kiln-fixture
            echo hello > %{buildroot}/usr/share/kiln-fixture/hello.txt
            %files
            /usr/share/kiln-fixture/hello.txt

            """
        let specFile = specs.appendingPathComponent("kiln-fixture.spec")
        try spec.write(to: specFile, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["rpmbuild", "--define", "_topdir \(top.path)", "--nodeps", "-ba", specFile.path]
        let log = top.appendingPathComponent("rpmbuild.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        guard p.terminationStatus == 0 else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw NSError(domain: "TestRPM", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "rpmbuild failed (install Debian's 'rpm' package: scripts/install-deps.sh): \(text.suffix(800))"])
        }
        return Built(
            noarch: top.appendingPathComponent("RPMS/noarch/kiln-fixture-1.0-1.noarch.rpm"),
            source: top.appendingPathComponent("SRPMS/kiln-fixture-1.0-1.src.rpm"))
    }
}
