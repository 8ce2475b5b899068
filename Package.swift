// swift-tools-version:6.0
import PackageDescription

/// textpipe: a batch text-classification pipeline.
/// Module dependencies run one way: TextCore <- Ingest/Tokenize <- Featurize <- Classify <- Tagging <- Evaluate <- Report <- Pipeline <- textpipe.
let optimise: [SwiftSetting] = [.unsafeFlags(["-wmo"], .when(configuration: .release))]

let package = Package(
    name: "textpipe",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "textpipe", targets: ["textpipe"]),
        // The fuzzing harness, built with libFuzzer by the separate package in fuzz/ (make fuzz).
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "TextCore", swiftSettings: optimise),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "Ingest", dependencies: ["TextCore", "CLibXML2"], swiftSettings: optimise),
        .target(name: "Tokenize", dependencies: ["TextCore"], swiftSettings: optimise),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "Featurize", dependencies: ["TextCore", "Tokenize", "CBLAS", "CKernels"], swiftSettings: optimise),
        .target(name: "Classify", dependencies: ["TextCore", "CBLAS", "CKernels"], swiftSettings: optimise),
        .target(name: "Tagging", dependencies: ["TextCore", "Classify", "CBLAS"], swiftSettings: optimise),
        .target(name: "Evaluate", dependencies: ["TextCore"], swiftSettings: optimise),
        .target(name: "Report", dependencies: ["TextCore", "Evaluate"], swiftSettings: optimise),
        .target(name: "Pipeline",
                dependencies: ["TextCore", "Ingest", "Tokenize", "Featurize", "Classify", "Tagging", "Evaluate", "Report",
                               .product(name: "Yams", package: "Yams")],
                swiftSettings: optimise),
        .target(name: "FuzzTargets",
                dependencies: ["Pipeline", "Ingest", "Featurize", "Classify", "Tagging", "TextCore", "Tokenize"]),
        .executableTarget(name: "textpipe",
                          dependencies: [
                "Pipeline", "Featurize", "Ingest", "Tokenize", "Report", "TextCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
                          swiftSettings: optimise),
        .executableTarget(name: "textpipe-bench",
                          dependencies: ["TextCore", "Ingest", "Tokenize", "Featurize", "Classify", "Tagging", "Evaluate", "Report"],
                          path: "bench/swift", swiftSettings: optimise),
        .target(name: "TestSupport", dependencies: ["TextCore"], path: "Tests/TestSupport"),
        .testTarget(name: "TextCoreTests", dependencies: ["TextCore", "TestSupport"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "TextCore", "TestSupport"]),
        .testTarget(name: "TokenizeTests", dependencies: ["Tokenize", "TextCore", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FeaturizeTests", dependencies: ["Featurize", "Tokenize", "TextCore", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ClassifyTests", dependencies: ["Classify", "CKernels", "Evaluate", "TextCore", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EvaluateTests", dependencies: ["Evaluate", "TextCore", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TaggingTests", dependencies: ["Tagging", "Classify", "Ingest", "Evaluate", "TextCore", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Evaluate", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["FuzzTargets", "Pipeline", "Evaluate", "Featurize", "Classify", "Ingest", "Report", "Tagging", "TextCore", "Tokenize", "TestSupport"],
                    resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v5]
)
