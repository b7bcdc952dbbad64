// swift-tools-version:6.0
import PackageDescription

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
        .executableTarget(
            name: "droptop",
            dependencies: [
                "DropTopCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
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
            name: "EndToEndTests",
            dependencies: ["droptop", "DropTopCore"],
            path: "Tests/EndToEndTests"
        ),
    ]
)
