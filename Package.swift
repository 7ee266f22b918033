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
        .target(name: "GitSource", dependencies: ["CGit2", "Spec"]),
        // PostgreSQL: migrations, embedded cluster, queries. Knows no HTTP and no plans.
        .target(name: "Store", dependencies: [
            "Statuses",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Migrations")]),
        // The artifact store: Pulp's REST API and a local filesystem default.
        .target(name: "Pulp", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Desired (git) vs actual (PostgreSQL + artifact store) -> Plan -> apply.
        .target(name: "Reconciler", dependencies: [
            "Spec", "GitSource", "Store", "Pulp", "Statuses",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // HTTP API, auth, and the build/sign/test/release workflow.
        .target(name: "Server", dependencies: [
            "Store", "Pulp", "Reconciler", "Spec", "Statuses",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The `kiln` command line.
        .executableTarget(name: "kiln", dependencies: [
            "Spec", "GitSource", "Store", "Pulp", "Reconciler", "Server",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Shared test helpers: throwaway PostgreSQL, temporary git repositories.
        .target(name: "KilnTestSupport", dependencies: ["Store", "GitSource"]),

        .testTarget(name: "SpecTests", dependencies: ["Spec"]),
        .testTarget(name: "StatusesTests", dependencies: ["Statuses"]),
        .testTarget(name: "GitSourceTests", dependencies: ["GitSource", "KilnTestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Statuses", "KilnTestSupport"]),
        .testTarget(name: "PulpTests", dependencies: ["Pulp", "KilnTestSupport"]),
        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler", "KilnTestSupport"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "KilnTestSupport", "Store", "Statuses", "Spec", "Pulp",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
    ]
)
