// swift-tools-version: 6.1
//
// Sundial — an embedded time-series analytics database.
//
// Targets follow the module map in DESIGN.md; dependencies point down only:
//   sundial (CLI) -> SundialServer / SundialClient -> SundialReplication -> Sundial
//   -> SundialQueryLang -> SundialIndex -> SundialStorage -> CZstd, CSundialShims
// SundialServer -> SundialServerCore (its pure parsers: JSON, gzip, query strings and
// bodies, credentials, digests, JWTs; no NIO, so Fuzz/ builds it) -> SundialQueryLang,
// CZlib, COpenSSL.
// `Fuzz/` and `Benchmarks/` are separate packages that depend on this one by path.
import PackageDescription

let package = Package(
    name: "Sundial",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Sundial", targets: ["Sundial"]),
        .library(name: "SundialStorage", targets: ["SundialStorage"]),
        .library(name: "SundialIndex", targets: ["SundialIndex"]),
        .library(name: "SundialQueryLang", targets: ["SundialQueryLang"]),
        .library(name: "SundialWire", targets: ["SundialWire"]),
        .library(name: "SundialClient", targets: ["SundialClient"]),
        .library(name: "SundialServer", targets: ["SundialServer"]),
        .library(name: "SundialServerCore", targets: ["SundialServerCore"]),
        .library(name: "SundialWorkloads", targets: ["SundialWorkloads"]),
        .library(name: "SundialTestSupport", targets: ["SundialTestSupport"]),
        .executable(name: "sundial", targets: ["sundial"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The server: HTTP (Hummingbird, TLS through swift-nio-ssl), services and metrics.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries and C shims.
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CSundialShims", path: "Sources/CShims"),

        // The engine, bottom up.
        .target(name: "SundialStorage", dependencies: ["CZstd", "CSundialShims"],
                path: "Sources/Storage"),
        .target(name: "SundialIndex", dependencies: ["SundialStorage"], path: "Sources/Index"),
        .target(name: "SundialQueryLang", dependencies: ["SundialIndex", "SundialStorage"],
                path: "Sources/QueryLang"),
        .target(name: "Sundial",
                dependencies: ["SundialQueryLang", "SundialIndex", "SundialStorage",
                               .product(name: "Logging", package: "swift-log")],
                path: "Sources/Sundial"),
        .target(name: "SundialWire", dependencies: ["SundialStorage"], path: "Sources/Wire"),
        .target(name: "SundialReplication", dependencies: ["Sundial", "SundialWire"],
                path: "Sources/Replication"),
        // The server's pure request-body and credential parsers, without Hummingbird or NIO
        // (re-exported by SundialServer; fuzzed by Fuzz/'s FuzzHTTPBody).
        .target(name: "SundialServerCore", dependencies: ["SundialQueryLang", "COpenSSL", "CZlib"],
                path: "Sources/ServerCore"),
        .target(name: "SundialServer",
                dependencies: ["Sundial", "SundialServerCore", "SundialReplication", "SundialWire", "COpenSSL", "CZlib",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HummingbirdCore", package: "hummingbird"),
                               .product(name: "HummingbirdTLS", package: "hummingbird"),
                               .product(name: "HTTPTypes", package: "swift-http-types"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl"),
                               .product(name: "Logging", package: "swift-log")],
                path: "Sources/Server"),
        .target(name: "SundialClient",
                dependencies: ["SundialWire",
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl")],
                path: "Sources/Client"),

        // Deterministic data generators (TSBS devops cpu-only) shared by the CLI,
        // tests, fuzz corpora and benchmarks.
        .target(name: "SundialWorkloads", path: "Sources/Workloads"),

        .executableTarget(
            name: "sundial",
            dependencies: [
                "Sundial", "SundialStorage", "SundialServer", "SundialWorkloads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CLI"),

        // Test helpers: temporary directories, data generators, (later) a fault-injecting
        // file system.
        .target(name: "SundialTestSupport", dependencies: ["SundialStorage", "SundialWorkloads"],
                path: "Sources/TestSupport"),

        .testTarget(name: "SundialStorageTests",
                    dependencies: ["SundialStorage", "SundialTestSupport"],
                    path: "Tests/StorageTests"),
        .testTarget(name: "SundialIndexTests",
                    dependencies: ["SundialIndex", "SundialWorkloads"],
                    path: "Tests/IndexTests"),
        .testTarget(name: "SundialQueryLangTests",
                    dependencies: ["SundialQueryLang", "SundialWorkloads"],
                    path: "Tests/QueryLangTests"),
        .testTarget(name: "SundialTests",
                    dependencies: ["Sundial", "SundialTestSupport", "SundialWorkloads", "SundialQueryLang"],
                    path: "Tests/SundialTests"),
        // SQL answers checked against DuckDB (needs python3 with duckdb: Scripts/install-deps).
        .testTarget(name: "SundialDifferentialTests",
                    dependencies: ["Sundial", "SundialTestSupport", "SundialWorkloads"],
                    path: "Tests/DifferentialTests",
                    exclude: ["duckdb_runner.py"]),
        .testTarget(name: "SundialWireTests",
                    dependencies: ["SundialWire", "SundialStorage"],
                    path: "Tests/WireTests"),
        // The wire server and client end to end, over loopback.
        .testTarget(name: "SundialServerTests",
                    dependencies: ["SundialServer", "SundialClient", "SundialWire", "Sundial",
                                   "SundialQueryLang", "SundialTestSupport", "CZlib",
                                   .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                   .product(name: "NIOCore", package: "swift-nio"),
                                   .product(name: "NIOPosix", package: "swift-nio")],
                    path: "Tests/ServerTests"),
        .testTarget(name: "SundialWorkloadsTests",
                    dependencies: ["SundialWorkloads", "SundialTestSupport"],
                    path: "Tests/WorkloadsTests"),
        // The server end to end (a real `sundial serve` process) and its parts in process.
    ],
    swiftLanguageModes: [.v6]
)
