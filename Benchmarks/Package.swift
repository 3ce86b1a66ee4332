// swift-tools-version:6.0
import PackageDescription

// Benchmarks live in their own package so swift-protobuf (the peer Tally's codec is compared with),
// grpc-swift-2 (the server tallyd is compared with) and generated code never enter the product's
// dependency graph.
let package = Package(
    name: "TallyBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Tally", path: ".."),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", exact: "2.9.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
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
        // Allocations per call on tallyd's event-loop path (a cached Totals), counted by the malloc
        // interposer (run with LD_PRELOAD of its library; http2/allocations.sh does).
        .executableTarget(
            name: "HTTP2Allocations",
            dependencies: [
                .product(name: "TallyServer", package: "Tally"),
                .product(name: "TallyHTTP2", package: "Tally"),
                .product(name: "TallyStore", package: "Tally"),
                .product(name: "TallyDataset", package: "Tally"),
                .product(name: "TallyCodec", package: "Tally"),
                .product(name: "TallyModel", package: "Tally"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP/2 benchmark's third server: Totals through grpc-swift-2 (h2c, raw-bytes codec).
        .executableTarget(
            name: "GRPCSwiftTotals",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
