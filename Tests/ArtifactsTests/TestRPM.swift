import Foundation
import KilnTestSupport
import XCTest

/// Real RPM files built once per test process with `rpmbuild` (Debian package `rpm`).
enum TestRPM {
    struct Built: Sendable {
        /// `kiln-fixture-1.0-1.noarch.rpm`, epoch 3.
        var noarch: URL
        /// `kiln-fixture-1.0-1.src.rpm`.
        var source: URL
    }

    static let built: Result<Built, any Error> = Result { try build() }

    static func get() throws -> Built { try built.get() }

    private static func build() throws -> Built {
        let top = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-pulp-rpm-\(getpid())")
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
        let specFile = try RPMBuild.writeSpec(spec, name: "kiln-fixture", top: top)
        try RPMBuild.run(specFile: specFile, top: top, arguments: ["-ba"])
        return Built(
            noarch: top.appendingPathComponent("RPMS/noarch/kiln-fixture-1.0-1.noarch.rpm"),
            source: top.appendingPathComponent("SRPMS/kiln-fixture-1.0-1.src.rpm"))
    }
}
