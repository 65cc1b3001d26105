// swift-tools-version: 6.1
//
// Sundial codec benchmarks: a separate package so the main one does not depend on
// ordo-one/benchmark. See README.md.
//
//   cd Benchmarks && swift package benchmark            # ordo-one micro benchmarks
//   swift run -c release --package-path Benchmarks CodecReport [--smoke | --hosts N]
//   swift run -c release --package-path Benchmarks IndexReport [--smoke | --series N]
//   Benchmarks/compare [--smoke | --hosts N --points N --runs N]       # CompareReport vs. DuckDB, SQLite
import PackageDescription

let package = Package(
    name: "SundialBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The MallocInterposer trait is required here (the package does not resolve without it).
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "Sundial", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SundialStorage", package: "Sundial"),
                .product(name: "SundialWorkloads", package: "Sundial"),
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "CodecReport",
            dependencies: [
                .product(name: "SundialStorage", package: "Sundial"),
                .product(name: "SundialWorkloads", package: "Sundial"),
            ],
            path: "Sources/CodecReport"),
        .executableTarget(
            name: "IngestReport",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "SundialStorage", package: "Sundial"),
                .product(name: "SundialWorkloads", package: "Sundial"),
            ],
            path: "Sources/IngestReport"),
        .target(name: "CBenchmarkShims", path: "Sources/CBenchmarkShims"),
        .target(name: "BenchmarkSupport",
                dependencies: [.product(name: "SundialStorage", package: "Sundial")],
                path: "Sources/BenchmarkSupport"),
        .executableTarget(
            name: "IndexReport",
            dependencies: [
                "BenchmarkSupport",
                "CBenchmarkShims",
                .product(name: "Sundial", package: "Sundial"),
                .product(name: "SundialIndex", package: "Sundial"),
                .product(name: "SundialStorage", package: "Sundial"),
                .product(name: "SundialWorkloads", package: "Sundial"),
            ],
            path: "Sources/IndexReport"),
        .executableTarget(
            name: "CompareReport",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Sundial", package: "Sundial"),
                .product(name: "SundialWorkloads", package: "Sundial"),
            ],
            path: "Sources/CompareReport"),
        .executableTarget(
            name: "WireLoad",
            dependencies: [.product(name: "SundialClient", package: "Sundial")],
            path: "Sources/WireLoad"),
    ],
    swiftLanguageModes: [.v6]
)
