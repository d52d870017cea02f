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
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
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
        // Whole files read and written with POSIX calls.
        .target(name: "BookIO"),
        // Markdown: the cmark-gfm wrapper, one walk of a body for its facts and readable text,
        // and HTML in several styles from one parse. The only target that calls cmark-gfm.
        .target(name: "BookMarkdown", dependencies: ["BookModel", "CCmarkGFM"]),
        // Files -> documents: front matter with positions, the Markdown facts of each body.
        .target(name: "BookLoad", dependencies: [
            "BookModel", "BookMarkdown", "BookIO", .product(name: "Yams", package: "Yams"),
            .product(name: "CSV", package: "CSV.swift"),
        ]),
        // Mystery-shopper audits: visits checked against the book, scores, NPS, bands (no I/O).
        .target(name: "BookAudit", dependencies: ["BookModel"]),
        // Editions: what changed between two books, entity by entity, per role (no I/O).
        .target(name: "BookChanges", dependencies: ["BookModel"]),
        // Rules -> diagnostics, the completeness report, and the output formats.
        .target(name: "BookCheck", dependencies: ["BookModel", "BookAudit"]),
        // Model + theme -> pages: Markdown to HTML, Mustache templates, the default theme.
        .target(name: "BookRender", dependencies: [
            "BookModel", "BookMarkdown", "BookAudit", "BookChanges", .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // Snowball stemmers from Debian (libstemmer-dev, which has no pkg-config file).
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        // zlib from Debian (zlib1g-dev): the search index compresses the text of its pages.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Model -> search index: words, stems, BM25F weights, shards for the browser.
        .target(name: "BookSearch", dependencies: ["BookModel", "CStemmer", "CZlib"]),
        // mimalloc from Debian (libmimalloc-dev), linked into the command line so that it replaces
        // malloc for the whole process: a build allocates millions of small, short-lived values on
        // every core, and glibc's malloc spent 13 % of `check`'s CPU time on them (README, "Benchmark").
        .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
        // renameat2(RENAME_EXCHANGE), which Glibc does not expose to Swift.
        .target(name: "CRenameSwap"),
        // The pipeline end to end: load -> model -> check -> render -> search -> write; serve.
        .target(name: "BookSite", dependencies: [
            "BookModel", "BookIO", "BookLoad", "BookAudit", "BookChanges", "BookCheck", "BookRender", "BookSearch", "CRenameSwap",
            .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox"),
        ]),
        // The command line only.
        .executableTarget(name: "servicebook", dependencies: [
            "BookSite", "BookCheck", "BookAudit", "BookChanges", "BookLoad", "BookModel", "CMimalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The fuzzer's harness (load -> model -> check on one file's bytes as every kind) and its
        // libFuzzer entry point: `make fuzz`.
        .target(name: "BookFuzz", dependencies: ["BookModel", "BookLoad", "BookCheck", "BookSearch"]),
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "fuzz-load", dependencies: ["BookFuzz", "CFuzzDriver"], path: "Sources/FuzzLoad"),
        // The rebuild after each kind of one-file edit, as `serve` runs it, timed stage by stage.
        .executableTarget(name: "rebuild-bench", dependencies: ["BookSite", "BookModel", "CMimalloc"], path: "Sources/RebuildBench"),
        // Generator of synthetic books for the benchmark.
        .executableTarget(name: "bookgen"),
        // Writes Sources/BookRender/DefaultTheme.swift from themes/default (`make theme`).
        .executableTarget(name: "embed-theme", path: "Sources/EmbedTheme"),
        .testTarget(name: "ServicebookTests", dependencies: [
            "BookModel", "BookMarkdown", "BookLoad", "BookCheck", "BookRender", "BookSearch", "BookSite", "BookFuzz",
            "BookChanges",
        ]),
    ],
    swiftLanguageModes: [.v5]
)
