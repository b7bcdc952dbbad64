import Foundation
@testable import DropTopCore

/// Tests/Fixtures/<name>: captured or hand-made /proc and /sys trees (see make_fixtures.py).
func fixtureRoot(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

func fixtureSampler(_ name: String) -> Sampler {
    Sampler(procRoot: fixtureRoot(name) + "/proc", sysRoot: fixtureRoot(name) + "/sys")
}

/// Runs a parser on the bytes of a String or byte array.
func parse<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
    try Array(text.utf8).withUnsafeBufferPointer { try body($0) }
}

func parse<T>(bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
    try bytes.withUnsafeBufferPointer { try body($0) }
}
