// swift-tools-version:6.0
import PackageDescription

// The panes and the CLI run once a second or once per process: build them for size in release
// (docs/performance.md, "The release binary"). The parsers stay at -O.
let optimizeForSize: [SwiftSetting] = [.unsafeFlags(["-Osize"], .when(configuration: .release))]

let package = Package(
    name: "droptop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "droptop", targets: ["droptop"]),
        .library(name: "DropTopCore", targets: ["DropTopCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // Everything that reads, parses and computes. No terminal code here.
        .target(
            name: "DropTopCore",
            dependencies: [
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // ncursesw, for the one file that talks to the terminal (DropTopTUI/Screen.swift).
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        // Panes render into a plain grid of cells; only Screen.swift calls curses.
        .target(
            name: "DropTopTUI",
            dependencies: [
                "DropTopCore", "CNcurses",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: optimizeForSize
        ),
        .executableTarget(
            name: "droptop",
            dependencies: [
                "DropTopCore", "DropTopTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimizeForSize
        ),
        // Measures read and parse time per source; run with `swift run -c release droptop-bench`.
        .executableTarget(
            name: "droptop-bench",
            dependencies: ["DropTopCore"],
            path: "Benchmarks/droptop-bench"
        ),
        .testTarget(
            name: "DropTopCoreTests",
            dependencies: ["DropTopCore"],
            path: "Tests/DropTopCoreTests"
        ),
        .testTarget(
            name: "DropTopTUITests",
            dependencies: ["DropTopTUI", "DropTopCore"],
            path: "Tests/DropTopTUITests"
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["droptop", "DropTopCore"],
            path: "Tests/EndToEndTests"
        ),
    ]
)
