// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "servicebook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "servicebook", targets: ["servicebook"]),
        .executable(name: "bookgen", targets: ["bookgen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // cmark-gfm from Debian (libcmark-gfm-dev, libcmark-gfm-extensions-dev).
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Entities, ids, references, diagnostics as values; building the model. No I/O.
        .target(name: "BookModel"),
        // Files -> documents: front matter with positions, Markdown facts.
        .target(name: "BookLoad", dependencies: [
            "BookModel", "CCmarkGFM", .product(name: "Yams", package: "Yams"),
        ]),
        // Rules -> diagnostics, the completeness report, and the output formats.
        .target(name: "BookCheck", dependencies: ["BookModel"]),
        // The pipeline end to end.
        .target(name: "BookSite", dependencies: ["BookModel", "BookLoad", "BookCheck"]),
        // The command line only.
        .executableTarget(name: "servicebook", dependencies: [
            "BookSite", "BookCheck", "BookModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Generator of synthetic books for the benchmark.
        .executableTarget(name: "bookgen"),
        .testTarget(name: "ServicebookTests", dependencies: [
            "BookModel", "BookLoad", "BookCheck", "BookSite",
        ]),
    ],
    swiftLanguageModes: [.v5]
)
