// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiln", targets: ["kiln"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.21.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.0.0"),
    ],
    targets: [
        // libgit2, found through pkg-config (Debian: libgit2-dev).
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // The status machines (build task, release, sign, test, reconcile run, origin, kinds)
        // and their ALBS integers / stored strings, in one place. No dependencies.
        .target(name: "Statuses"),
        // The desired-state model: YAML -> typed values -> validation. Pure.
        .target(name: "Spec", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Reads the files of a desired-state repository at a commit (libgit2).
        // libgit2 runs on NIO's blocking thread pool, off the cooperative pool.
        .target(name: "GitSource", dependencies: [
            "CGit2", "Spec",
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // One way to run a child process (git, rpmbuild, initdb/pg_ctl, pulpcore-manager).
        .target(name: "Processes"),
        // PostgreSQL: migrations and queries. Knows no HTTP and no plans; writes and
        // reads the desired-state records Spec defines (one record type per kind).
        .target(name: "Store", dependencies: [
            "Spec", "Statuses",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Migrations")]),
        // A private PostgreSQL cluster in a folder (the embedded default and the tests).
        .target(name: "EmbeddedPostgres", dependencies: [
            "Store", "Processes",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The artifact store: the ArtifactStore protocol, Pulp's REST API client and a local filesystem default.
        .target(name: "Artifacts", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Desired (git) vs actual (PostgreSQL + artifact store) -> Plan -> apply.
        .target(name: "Reconciler", dependencies: [
            "Spec", "GitSource", "Store", "Artifacts", "Statuses",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // HTTP API, auth, and the build/sign/test/release workflow.
        .target(name: "Server", dependencies: [
            "Store", "Artifacts", "Reconciler", "Spec", "Statuses",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Option groups shared by the command line and the benchmarks (--database-url, --format).
        .target(name: "CommandLineOptions", dependencies: [
            "Store", "EmbeddedPostgres", "Settings",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // `kiln bench ...`: benchmarks that print figures, measuring the statements the server runs.
        .target(name: "KilnBench", dependencies: [
            "Spec", "GitSource", "Store", "EmbeddedPostgres", "Processes", "Artifacts", "Reconciler", "Server",
            "CommandLineOptions", "Statuses", "Settings",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Every KILN_* setting: one name, one default, one parser; read once by `kiln`.
        .target(name: "Settings", dependencies: ["Store", "Artifacts", "Server"]),
        // The `kiln` command line.
        .executableTarget(name: "kiln", dependencies: [
            "Spec", "GitSource", "Store", "EmbeddedPostgres", "Artifacts", "Reconciler", "Server",
            "CommandLineOptions", "KilnBench", "Settings",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Shared test helpers: throwaway PostgreSQL, temporary git repositories, RPMs.
        .target(name: "KilnTestSupport", dependencies: ["Store", "EmbeddedPostgres", "Processes", "GitSource"]),

        .testTarget(name: "SpecTests", dependencies: ["Spec"]),
        .testTarget(name: "StatusesTests", dependencies: ["Statuses"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "Store", "Artifacts", "Server"]),
        .testTarget(name: "GitSourceTests", dependencies: ["GitSource", "Processes", "KilnTestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Statuses", "EmbeddedPostgres", "Processes", "KilnBench", "KilnTestSupport"]),
        .testTarget(name: "ArtifactsTests", dependencies: ["Artifacts", "KilnTestSupport"]),
        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler", "KilnTestSupport"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "KilnTestSupport", "KilnBench", "Store", "Statuses", "Spec", "Artifacts",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
    ]
)
