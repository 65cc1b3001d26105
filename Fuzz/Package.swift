// swift-tools-version: 6.1
//
// SundialFuzz — libFuzzer targets for Sundial's decoders: column codecs, framed blocks,
// line protocol, WAL, write batches, schema changes, the manifest, segment files, the
// series log, SQL, the wire protocol's frames and the HTTP API's request bodies and
// credentials (SundialServerCore: JSON, forms, gzip, JWTs).
//
// A separate package, depending on Sundial by path: SwiftPM renames an executable's
// entry point, so `@_cdecl("LLVMFuzzerTestOneInput")` + `-parse-as-library` does not
// link. Instead each fuzz target is its own executable whose main.swift defines
// `LLVMFuzzerTestOneInput` and hands control to libFuzzer through `FuzzDriver.run` (README.md).
//
//   swift build -c release -Xswiftc -sanitize=fuzzer,address   # or ./run.sh TARGET SECONDS
//
// `MakeSeeds` (not a fuzz target) regenerates corpus/<Target>/ from real encodings:
//   swift run MakeSeeds
import PackageDescription

/// The libFuzzer targets, each in Sources/<name>/main.swift.
let fuzzTargets = [
    "FuzzTimestamps", "FuzzIntegers", "FuzzDoubles", "FuzzBooleans",
    "FuzzTagIDs", "FuzzStrings", "FuzzBlocks", "FuzzRoundTrip",
    "FuzzLineProtocol", "FuzzLog", "FuzzSegment", "FuzzSeriesLog", "FuzzSQL", "FuzzWire",
    "FuzzHTTPBody",
]
/// Targets that also use SundialTestSupport (forged checksums, the in-memory file system).
let usesTestSupport: Set<String> = ["FuzzBlocks", "FuzzLog", "FuzzSegment"]

let storage: Target.Dependency = .product(name: "SundialStorage", package: "Sundial")
let wire: Target.Dependency = .product(name: "SundialWire", package: "Sundial")
let serverCore: Target.Dependency = .product(name: "SundialServerCore", package: "Sundial")
let queryLang: Target.Dependency = .product(name: "SundialQueryLang", package: "Sundial")

let package = Package(
    name: "SundialFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Sundial", path: ".."),
    ],
    targets: [
        // Input layout, sentinel-guarded output buffers, bit-exact comparison and the
        // generic decode / round-trip checks shared by the targets and MakeSeeds.
        .target(name: "FuzzSupport", dependencies: [storage]),
        // libFuzzer's entry (`LLVMFuzzerRunDriver`), linked only into the fuzz targets, so
        // MakeSeeds builds and runs without the sanitizer.
        .target(name: "FuzzDriver"),
        // FuzzHTTPBody's input layout and JWT fixtures (shared with MakeSeeds).
        .target(name: "FuzzHTTPSupport", dependencies: [serverCore]),
        .executableTarget(
            name: "MakeSeeds",
            dependencies: ["FuzzSupport", "FuzzHTTPSupport", storage, wire, serverCore,
                           .product(name: "SundialWorkloads", package: "Sundial"),
                           .product(name: "SundialTestSupport", package: "Sundial")]),
    ] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", "FuzzDriver", storage]
                + (name == "FuzzSQL" ? [queryLang] : [])
                + (name == "FuzzWire" ? [wire] : [])
                + (name == "FuzzHTTPBody" ? ["FuzzHTTPSupport", serverCore, queryLang] : [])
                + (usesTestSupport.contains(name) ? [.product(name: "SundialTestSupport", package: "Sundial")] : []))
    },
    swiftLanguageModes: [.v6]
)
