// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "loganalyze",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "loganalyze", targets: ["loganalyze"]),
        .library(name: "LogAnalyzer", targets: ["LogAnalyzer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Two Linux calls Swift's Glibc module does not expose (per-thread nice, pipe buffer size).
        .target(name: "CSystem"),
        // Byte scans over whole lines, 16 bytes per instruction with SSE2 (Swift's SIMD types
        // compile to scalar code at the x86-64 baseline).
        .target(name: "CScan"),
        .target(
            name: "LogAnalyzer",
            dependencies: ["CPCRE2", "CZlib", "CSystem", "CScan", .product(name: "Histogram", package: "hdrhistogram-swift")],
            // Dynamic exclusivity checks cost 6 % of an analysis (perf); the library keeps no
            // state shared across threads outside its locked queues, and debug builds keep them.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // libFuzzer target (Scripts/fuzz.sh builds it with -sanitize=fuzzer -DFUZZING); a plain
        // build replays files through the same pipeline.
        .executableTarget(
            name: "loganalyze-fuzz",
            dependencies: ["LogAnalyzer"]
        ),
        .executableTarget(
            name: "loganalyze",
            dependencies: [
                "LogAnalyzer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // jemalloc in place of glibc's allocator (libjemalloc-dev): with `--jobs 2`, glibc's
            // made the analysis 5 to 22 % slower in alternating runs (README, Performance); with
            // one thread the two are about even. (The library links none: the test process keeps
            // glibc's.)
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        .testTarget(
            name: "LogAnalyzerTests",
            dependencies: ["LogAnalyzer"],
            exclude: ["Golden", "RealCaptures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
