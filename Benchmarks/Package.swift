// swift-tools-version:6.0
import PackageDescription

// Benchmarks live in their own package so swift-protobuf (the peer Tally's codec is compared with)
// and its generated code never enter the product's dependency graph.
let package = Package(
    name: "TallyBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Tally", path: ".."),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // Generated once by protoc-gen-swift 1.39.0 from ../Proto/tally.proto (see README.md); committed.
        .target(
            name: "SwiftProtobufTally",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .executableTarget(
            name: "TallyBenchmarks",
            dependencies: [
                "SwiftProtobufTally",
                .product(name: "TallyCodec", package: "Tally"),
                .product(name: "TallyModel", package: "Tally"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
    ]
)
