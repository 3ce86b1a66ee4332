// swift-tools-version:6.0
import PackageDescription

// The libFuzzer targets live in a package of their own: they are built only with
// `-sanitize=fuzzer,address` (Fuzz/fuzz.sh), in a build folder of their own, and never enter the
// product's graph. Each is a few lines: the work of every target is in the root package's
// `TallyFuzzing` and `TallyConnectionFuzzing` modules, which the normal test suite also runs to
// replay the corpora and the inputs that once crashed.
let package = Package(
    name: "TallyFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Tally", path: ".."),
    ],
    targets: [
        // libFuzzer's driver, declared for Swift.
        .target(name: "CLibFuzzer"),
        fuzzTarget("FuzzCodec", "TallyFuzzing"),
        fuzzTarget("FuzzDataset", "TallyFuzzing"),
        fuzzTarget("FuzzServer", "TallyConnectionFuzzing"),
        fuzzTarget("FuzzClient", "TallyConnectionFuzzing"),
    ]
)

/// A libFuzzer executable: its `main.swift` hands the input callback to libFuzzer's driver.
/// `entries`: the module its entry point is in (the codec and dataset targets do not need the
/// rest of tallyd, so they build, and can run, first).
func fuzzTarget(_ name: String, _ entries: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["CLibFuzzer"] + Set(["TallyFuzzing", entries]).sorted().map { .product(name: $0, package: "Tally") }
    )
}
