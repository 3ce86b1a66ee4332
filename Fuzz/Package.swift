// swift-tools-version:6.0
import PackageDescription

// The libFuzzer targets live in a package of their own: they are built only with
// `-sanitize=fuzzer,address` (Fuzz/fuzz.sh), in a build folder of their own, and never enter the
// product's graph. Each is a few lines: the work of every target is in the root package's
// `TallyFuzzing` module, which the normal test suite also runs to replay the corpora and the
// inputs that once crashed.
let package = Package(
    name: "TallyFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Tally", path: ".."),
    ],
    targets: [
        fuzzTarget("FuzzCodec"),
        fuzzTarget("FuzzDataset"),
        fuzzTarget("FuzzServer"),
        fuzzTarget("FuzzClient"),
    ]
)

/// A libFuzzer executable: libFuzzer brings `main`, so the Swift file is parsed as a library and
/// only defines `LLVMFuzzerTestOneInput` (and `LLVMFuzzerInitialize`).
func fuzzTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "TallyFuzzing", package: "Tally")],
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}
