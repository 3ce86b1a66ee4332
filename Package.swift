// swift-tools-version:6.0
import PackageDescription

/// Settings every Tally target shares: Swift 6 language mode (strict concurrency), explicit `any`,
/// and imports that are internal unless a module says otherwise, so no C type leaks into a public API.
let tallySwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Tally",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tallyd", targets: ["tallyd"]),
        .executable(name: "tally", targets: ["tally"]),
        .library(name: "TallyCodec", targets: ["TallyCodec"]),
        .library(name: "TallyModel", targets: ["TallyModel"]),
        // For the benchmarks and fuzz targets, which drive connections in memory.
        .library(name: "TallyHTTP2", targets: ["TallyHTTP2"]),
        .library(name: "TallyServer", targets: ["TallyServer"]),
        .library(name: "TallyStore", targets: ["TallyStore"]),
        .library(name: "TallyDataset", targets: ["TallyDataset"]),
        .library(name: "TallyCharts", targets: ["TallyCharts"]),
        // The fuzz targets' entry points (Fuzz/), also replayed by TallyFuzzingTests.
        .library(name: "TallyFuzzing", targets: ["TallyFuzzing"]),
        .library(name: "TallyConnectionFuzzing", targets: ["TallyConnectionFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // C libraries from the system, through module maps (Debian: libnghttp2-dev, zlib1g-dev).
        .systemLibrary(
            name: "CNghttp2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // Pure domain: figures, periods, qualifiers, provenance. No I/O.
        .target(name: "TallyModel", swiftSettings: tallySwiftSettings),

        // The wire: hand-written protobuf-compatible codec, envelopes, zlib.
        .target(
            name: "TallyCodec",
            dependencies: ["TallyModel", "CZlib", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")],
            swiftSettings: tallySwiftSettings
        ),

        // Charts of answers: answers in, SVG out. Pure Swift, no I/O; used by `tally chart` and the page.
        .target(
            name: "TallyCharts",
            dependencies: ["TallyModel", "TallyCodec"],
            swiftSettings: tallySwiftSettings
        ),

        // The page tallyd serves at `/` and its downloads: questions from URLs in, HTML, CSV and JSON
        // out. Pure Swift, no I/O; the server routes to it and caches what it renders.
        .target(
            name: "TallyWeb",
            dependencies: ["TallyModel", "TallyCodec", "TallyCharts"],
            swiftSettings: tallySwiftSettings
        ),

        // The version line of both executables, with the git commit `make` writes into a
        // git-ignored header before each build ("unknown" without it).
        .target(name: "CTallyBuildInfo"),

        // The dataset file format (YAML) and the embedded dataset read from the seed articles.
        .target(
            name: "TallyDataset",
            dependencies: ["TallyModel", .product(name: "Yams", package: "Yams")],
            exclude: ["DATASET.md"],
            resources: [.copy("Resources/figures.yaml")],
            swiftSettings: tallySwiftSettings
        ),

        // nghttp2 sessions driven by SwiftNIO (server and client role).
        .target(
            name: "TallyHTTP2",
            dependencies: ["CNghttp2", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: tallySwiftSettings
        ),

        // Durable dataset (SQLite through GRDB).
        .target(
            name: "TallyStore",
            dependencies: [
                "TallyCodec", "TallyModel", "TallyDataset",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own calls, for the bulk inserts of a full copy (BulkFigureInsert).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                // TreeDictionary: the consistency report carried from version to version.
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ],
            swiftSettings: tallySwiftSettings
        ),

        // The shared dataset for replicas (PostgreSQL through postgres-nio): the same semantics as
        // the SQLite store, with commits followed through LISTEN/NOTIFY.
        .target(
            name: "TallyPostgres",
            dependencies: [
                "TallyStore", "TallyCodec", "TallyModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: tallySwiftSettings
        ),

        .target(
            name: "TallyServer",
            dependencies: [
                "TallyStore", "TallyCodec", "TallyHTTP2", "TallyModel", "TallyDataset", "TallyWeb", "CTallyBuildInfo",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: tallySwiftSettings
        ),
        .target(
            name: "TallyClient",
            dependencies: [
                "TallyCodec", "TallyHTTP2", "TallyModel", "TallyDataset", "TallyStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: tallySwiftSettings
        ),

        .executableTarget(
            name: "tallyd",
            dependencies: [
                "TallyServer", "TallyStore", "TallyPostgres", "TallyDataset", "TallyHTTP2", "TallyClient", "TallyCodec", "CTallyBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: tallySwiftSettings
        ),
        .executableTarget(
            name: "tally",
            dependencies: [
                "TallyClient", "TallyCodec", "TallyModel", "TallyDataset", "TallyCharts", "CTallyBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: tallySwiftSettings
        ),

        // What each libFuzzer target of Fuzz/ does with one input, and its seed corpus; the normal
        // test suite replays the corpora and the inputs that once crashed through the same code.
        // The wire and the dataset file here; the connections, which need all of tallyd, apart.
        .target(
            name: "TallyFuzzing",
            dependencies: ["TallyCodec", "TallyModel", "TallyDataset", "TallyTestSupport"],
            swiftSettings: tallySwiftSettings
        ),
        .target(
            name: "TallyConnectionFuzzing",
            dependencies: [
                "TallyFuzzing", "TallyCodec", "TallyHTTP2", "TallyServer", "TallyStore", "TallyDataset", "TallyClient", "TallyTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: tallySwiftSettings
        ),

        // Test helpers shared by the test targets: seeded randomness, sample messages, peers.
        .target(
            name: "TallyTestSupport",
            dependencies: ["TallyCodec", "TallyModel"],
            path: "Tests/TallyTestSupport",
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyModelTests",
            dependencies: ["TallyModel"],
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyChartsTests",
            dependencies: ["TallyCharts", "TallyCodec", "TallyModel", "TallyDataset", "TallyTestSupport"],
            exclude: ["Golden"],
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyWebTests",
            dependencies: ["TallyWeb", "TallyCodec", "TallyModel", "TallyDataset"],
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyCodecTests",
            dependencies: ["TallyCodec", "TallyModel", "TallyTestSupport"],
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyDatasetTests",
            dependencies: ["TallyDataset", "TallyModel", "TallyTestSupport"],
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyStoreTests",
            dependencies: ["TallyStore", "TallyModel", "TallyCodec", "TallyTestSupport", "TallyStoreCrashHelper",
                           "TallyPostgres", "TallyPostgresTestSupport"],
            swiftSettings: tallySwiftSettings
        ),
        // A PostgreSQL server for tests (Tests/Support/with-postgres.sh starts one): a fresh
        // database per store, and the server stopped and started for the outage tests.
        .target(
            name: "TallyPostgresTestSupport",
            dependencies: ["TallyPostgres", "TallyStore", "TallyModel", "TallyTestSupport",
                           .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Tests/TallyPostgresTestSupport",
            swiftSettings: tallySwiftSettings
        ),
        // Publish latency, PostgreSQL beside SQLite, as a release build (run inside with-postgres.sh).
        .executableTarget(
            name: "TallyPublishLatency",
            dependencies: ["TallyPostgres", "TallyPostgresTestSupport", "TallyStore"],
            path: "Tests/TallyPublishLatency",
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyPostgresTests",
            dependencies: ["TallyPostgres", "TallyPostgresTestSupport", "TallyStore", "TallyModel", "TallyCodec", "TallyTestSupport",
                           .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: tallySwiftSettings
        ),
        // tallyd replicas, as processes, on one real PostgreSQL database.
        .testTarget(
            name: "TallyPostgresReplicaTests",
            dependencies: ["TallyPostgres", "TallyPostgresTestSupport", "TallyClient", "TallyCodec", "TallyModel", "TallyDataset",
                           "TallyTestSupport", "TallyStore", "tallyd"],
            swiftSettings: tallySwiftSettings
        ),
        // Publishes a large batch into a store and waits to be killed: the crash-safety test's victim.
        .executableTarget(
            name: "TallyStoreCrashHelper",
            dependencies: ["TallyStore", "TallyModel", "TallyTestSupport"],
            path: "Tests/TallyStoreCrashHelper",
            swiftSettings: tallySwiftSettings
        ),
        // Generates the sync benchmark's store and its changes (Benchmarks/sync/run.sh).
        .executableTarget(
            name: "TallySyncFixture",
            dependencies: ["TallyStore", "TallyModel", "TallyDataset", "TallyTestSupport"],
            path: "Tests/TallySyncFixture",
            swiftSettings: tallySwiftSettings
        ),
        // Times publishes reaching every replica (Benchmarks/replicas/run.sh).
        .executableTarget(
            name: "TallyReplicaBench",
            dependencies: ["TallyClient", "TallyCodec", "TallyModel", "TallyTestSupport"],
            path: "Tests/TallyReplicaBench",
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyServerTests",
            dependencies: ["TallyServer", "TallyStore", "TallyCodec", "TallyModel", "TallyHTTP2", "TallyTestSupport", "tallyd", "TallyStoreCrashHelper",
                           "TallyClient", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyClientTests",
            dependencies: ["TallyClient", "TallyCodec", "TallyModel", "TallyStore", "TallyTestSupport", "tallyd", "tally", "TallyStoreCrashHelper",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")],
            exclude: ["Golden"],
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyDeployTests",
            dependencies: ["TallyClient", "TallyCodec", "TallyModel", "TallyTestSupport", "TallyStore", "tallyd"],
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyFuzzingTests",
            dependencies: ["TallyFuzzing", "TallyConnectionFuzzing", "TallyTestSupport"],
            exclude: ["Crashes"],
            swiftSettings: tallySwiftSettings
        ),
        .testTarget(
            name: "TallyHTTP2Tests",
            dependencies: ["TallyHTTP2", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio")],
            swiftSettings: tallySwiftSettings
        ),
    ]
)
