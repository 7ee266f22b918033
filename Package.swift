// swift-tools-version:6.2
import PackageDescription

/// Every Kiln target: `any` spelled out, and every module a file uses imported by that file.
let kilnSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility")
]

let package = Package(
    name: "Kiln",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiln", targets: ["kiln"])
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
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.0.0")
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
        .target(name: "Statuses", swiftSettings: kilnSettings),
        // The desired-state model: YAML -> typed values -> validation. Pure (Crypto only hashes
        // OpenPGP key packets into fingerprints).
        .target(
            name: "Spec",
            dependencies: [
                .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto")
            ], swiftSettings: kilnSettings),
        // Reads the files of a desired-state repository at a commit (libgit2).
        // libgit2 runs on NIO's blocking thread pool, off the cooperative pool.
        .target(
            name: "GitSource",
            dependencies: [
                "CGit2", "Spec",
                .product(name: "NIOPosix", package: "swift-nio")
            ], swiftSettings: kilnSettings),
        // One way to run a child process (git, rpmbuild, initdb/pg_ctl, pulpcore-manager).
        .target(name: "Processes", swiftSettings: kilnSettings),
        // PostgreSQL: migrations and queries. Knows no HTTP and no plans; writes and
        // reads the desired-state records Spec defines (one record type per kind).
        .target(
            name: "Store",
            dependencies: [
                "Spec", "Statuses",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log")
            ], resources: [.copy("Migrations")], swiftSettings: kilnSettings),
        // A private PostgreSQL cluster in a folder (the embedded default and the tests).
        .target(
            name: "EmbeddedPostgres",
            dependencies: [
                "Store", "Processes",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log")
            ], swiftSettings: kilnSettings),
        // The artifact store: the ArtifactStore protocol, Pulp's REST API client and a local filesystem default.
        .target(
            name: "Artifacts",
            dependencies: [
                "Processes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio")
            ], swiftSettings: kilnSettings),
        // Desired (git) vs actual (PostgreSQL + artifact store) -> Plan -> apply.
        .target(
            name: "Reconciler",
            dependencies: [
                "Spec", "GitSource", "Store", "Artifacts", "Statuses",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio")
            ], swiftSettings: kilnSettings),
        // HTTP API, auth, and the build/sign/test/release workflow (Yams renders the release and
        // distribution files the write routes suggest).
        .target(
            name: "Server",
            dependencies: [
                "Store", "Artifacts", "Reconciler", "Spec", "Statuses",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Yams", package: "Yams")
            ], swiftSettings: kilnSettings),
        // Option groups shared by the command line and the benchmarks (--database-url, --format).
        .target(
            name: "CommandLineOptions",
            dependencies: [
                "Store", "EmbeddedPostgres", "Settings",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log")
            ], swiftSettings: kilnSettings),
        // `kiln bench ...`: benchmarks that print figures, measuring the statements the server runs.
        .target(
            name: "KilnBench",
            dependencies: [
                "Spec", "GitSource", "Store", "EmbeddedPostgres", "Processes", "Artifacts", "Reconciler", "Server",
                "CommandLineOptions", "Statuses", "Settings",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
            ], swiftSettings: kilnSettings),
        // Every KILN_* setting: one name, one default, one parser; read once by `kiln`.
        .target(name: "Settings", dependencies: ["Store", "Artifacts", "Server"], swiftSettings: kilnSettings),
        // The `kiln` command line.
        .executableTarget(
            name: "kiln",
            dependencies: [
                "Spec", "GitSource", "Store", "EmbeddedPostgres", "Artifacts", "Reconciler", "Server",
                "CommandLineOptions", "KilnBench", "Settings", "Statuses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle")
            ], swiftSettings: kilnSettings),
        // Shared test helpers: throwaway PostgreSQL, temporary git repositories, RPMs.
        .target(
            name: "KilnTestSupport",
            dependencies: [
                "Store", "EmbeddedPostgres", "Processes", "GitSource",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio")
            ], swiftSettings: kilnSettings),

        .testTarget(name: "SpecTests", dependencies: ["Spec"], swiftSettings: kilnSettings),
        .testTarget(name: "StatusesTests", dependencies: ["Statuses"], swiftSettings: kilnSettings),
        .testTarget(
            name: "SettingsTests", dependencies: ["Settings", "Store", "Artifacts", "Server"],
            swiftSettings: kilnSettings),
        .testTarget(
            name: "GitSourceTests",
            dependencies: [
                "GitSource", "Processes", "KilnTestSupport", "Spec"
            ], swiftSettings: kilnSettings),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "Statuses", "EmbeddedPostgres", "Processes", "KilnBench", "KilnTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio")
            ], swiftSettings: kilnSettings),
        .testTarget(
            name: "ArtifactsTests",
            dependencies: [
                "Artifacts", "KilnTestSupport", "Processes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio")
            ], swiftSettings: kilnSettings),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: [
                "Reconciler", "KilnTestSupport", "Artifacts", "GitSource", "Spec", "Statuses", "Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio")
            ], swiftSettings: kilnSettings),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "KilnTestSupport", "KilnBench", "Store", "Statuses", "Spec", "Artifacts", "GitSource",
                "Reconciler", "EmbeddedPostgres", "Processes",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams")
            ], swiftSettings: kilnSettings)
    ]
)
