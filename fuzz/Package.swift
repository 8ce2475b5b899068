// swift-tools-version:6.0
import PackageDescription

/// libFuzzer driver for textpipe's parsers and decoders. Build and run with `make fuzz SECONDS=N` from the project
/// root (it passes `-sanitize=fuzzer,address -parse-as-library`); the target is chosen by FUZZ_TARGET.
let package = Package(
    name: "textpipe-fuzz",
    dependencies: [.package(name: "textpipe", path: "..")],
    targets: [
        .executableTarget(
            name: "textpipe-fuzz", dependencies: [.product(name: "FuzzTargets", package: "textpipe")])
    ],
    swiftLanguageModes: [.v5]
)
